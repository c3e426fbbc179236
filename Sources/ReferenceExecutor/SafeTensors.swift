import Foundation

/// A `.safetensors` file (huggingface/safetensors): an 8-byte little-endian header length, a JSON header mapping
/// each tensor name to `{dtype, shape, data_offsets}` (plus an optional `__metadata__` map of strings), then the
/// raw little-endian tensor bytes.
public struct SafeTensorsFile: Sendable {
  public struct Entry: Sendable, Equatable {
    public var dtype: String
    public var shape: [Int]
    /// Byte range inside the data section.
    public var byteRange: Range<Int>
  }

  public let path: String
  public let entries: [String: Entry]
  public let metadata: [String: String]
  private let bytes: Data
  private let dataStart: Int

  /// Bytes per element of the dtypes safetensors defines.
  static let dtypeSizes: [String: Int] = [
    "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1,
    "BOOL": 1,
    "U16": 2, "U32": 4, "U64": 8, "F8_E4M3": 1, "F8_E5M2": 1,
  ]

  /// Headers longer than this are refused before they are parsed (the limit of huggingface's own reader).
  public static let maximumHeaderBytes = 100_000_000

  /// Reads and validates the file: the header must be strict JSON (no duplicate keys) no longer than
  /// ``maximumHeaderBytes``; every tensor needs a string dtype, a shape of non-negative integers whose element and
  /// byte counts fit in `Int`, and integer `data_offsets` inside the data section that span exactly its bytes
  /// (for the dtypes of ``dtypeSizes``); no two tensors may share a byte.
  public init(contentsOf url: URL) throws(ExecutorError) {
    path = url.path
    let bytes: Data
    do { bytes = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
      throw .file(
        path: url.path, reason: "cannot read the weights file (\(error.localizedDescription))")
    }
    func fail(_ reason: String) -> ExecutorError { .safetensors(path: url.path, reason: reason) }
    guard bytes.count >= 8 else {
      throw fail("the file is \(bytes.count) bytes long, shorter than its 8-byte header")
    }
    let headerLength = bytes.prefix(8).enumerated().reduce(UInt64(0)) {
      $0 | UInt64($1.element) << (8 * $1.offset)
    }
    guard headerLength <= UInt64(Self.maximumHeaderBytes) else {
      throw fail(
        "the header claims \(headerLength) bytes, more than the \(Self.maximumHeaderBytes)-byte (100 MB) limit")
    }
    guard headerLength <= UInt64(bytes.count - 8) else {
      throw fail(
        "the header claims \(headerLength) bytes but the file has \(bytes.count - 8) after the length"
      )
    }
    dataStart = 8 + Int(headerLength)
    let dataSize = bytes.count - dataStart
    let json: StrictJSON
    do {
      json = try StrictJSON.parse(bytes[(bytes.startIndex + 8)..<(bytes.startIndex + dataStart)])
    } catch { throw fail("the header is not valid JSON: \(error.reason) at byte \(8 + error.offset)") }
    guard case .object(let header) = json else { throw fail("the header is not a JSON object") }
    var entries: [String: Entry] = [:]
    var metadata: [String: String] = [:]
    for (name, value) in header {
      if name == "__metadata__" {
        guard case .object(let items) = value else { throw fail("__metadata__ is not a JSON object") }
        for (key, item) in items {
          guard case .string(let text) = item else { throw fail("__metadata__ \(key) is not a string") }
          metadata[key] = text
        }
        continue
      }
      let entry = try Self.entry(name, value, dataSize: dataSize, fail: fail)
      entries[name] = entry
    }
    let ranges = entries.filter { !$0.value.byteRange.isEmpty }.sorted {
      ($0.value.byteRange.lowerBound, $0.key) < ($1.value.byteRange.lowerBound, $1.key)
    }
    for (a, b) in zip(ranges, ranges.dropFirst()) where a.value.byteRange.overlaps(b.value.byteRange) {
      throw fail(
        "tensors \(a.key) (bytes \(a.value.byteRange.lowerBound)..<\(a.value.byteRange.upperBound)) and "
          + "\(b.key) (bytes \(b.value.byteRange.lowerBound)..<\(b.value.byteRange.upperBound)) overlap")
    }
    self.entries = entries
    self.metadata = metadata
    self.bytes = bytes
  }

  /// One tensor's header entry, validated.
  private static func entry(
    _ name: String, _ value: StrictJSON, dataSize: Int, fail: (String) -> ExecutorError
  ) throws(ExecutorError) -> Entry {
    guard case .object(let fields) = value else { throw fail("tensor \(name) is not a JSON object") }
    func field(_ key: String) -> StrictJSON? { fields.first { $0.key == key }?.value }
    guard case .string(let dtype) = field("dtype"), case .array(let shapeItems) = field("shape"),
      case .array(let offsetItems) = field("data_offsets")
    else { throw fail("tensor \(name) lacks a dtype, shape or data_offsets") }
    let shape = shapeItems.compactMap(\.integer)
    guard shape.count == shapeItems.count else {
      throw fail("tensor \(name) has a shape that is not a list of integers: \(text(shapeItems))")
    }
    if let negative = shape.first(where: { $0 < 0 }) {
      throw fail("tensor \(name) has a negative extent \(negative) in its shape \(shape)")
    }
    var count = 1
    for extent in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: extent)
      guard !overflow else { throw fail("tensor \(name) of shape \(shape) has more elements than fit in 64 bits") }
      count = product
    }
    let offsets = offsetItems.compactMap(\.integer)
    guard offsets.count == 2, offsetItems.count == 2 else {
      throw fail("tensor \(name) has data_offsets \(text(offsetItems)); expected two integers [begin, end]")
    }
    guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataSize else {
      throw fail(
        "tensor \(name) has data_offsets \(offsets) outside the \(dataSize)-byte data section (truncated file?)")
    }
    if let size = dtypeSizes[dtype] {
      let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
      guard !overflow else {
        throw fail("tensor \(name) of shape \(shape) and dtype \(dtype) has more bytes than fit in 64 bits")
      }
      guard bytes == offsets[1] - offsets[0] else {
        throw fail(
          "tensor \(name) of shape \(shape) and dtype \(dtype) needs \(bytes) bytes, its data_offsets \(offsets) "
            + "span \(offsets[1] - offsets[0])")
      }
    }
    return Entry(dtype: dtype, shape: shape, byteRange: offsets[0]..<offsets[1])
  }

  /// JSON values as the header wrote them, for messages.
  private static func text(_ items: [StrictJSON]) -> String {
    "["
      + items.map { item in
        switch item {
        case .number(let text): text
        case .string(let text): "\"\(text)\""
        case .bool(let value): "\(value)"
        case .null: "null"
        case .array: "[…]"
        case .object: "{…}"
        }
      }.joined(separator: ", ") + "]"
  }

  /// The elements of an `F32` tensor (nil when absent or of another dtype).
  public func floats(_ name: String) -> [Float]? {
    guard let entry = entries[name], entry.dtype == "F32" else { return nil }
    let count = entry.byteRange.count / 4
    let start = dataStart + entry.byteRange.lowerBound
    return bytes.withUnsafeBytes { raw in
      (0..<count).map {
        Float(
          bitPattern: UInt32(
            littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * $0, as: UInt32.self)))
      }
    }
  }

  /// Writes float32 tensors (in the given order) and string metadata as a `.safetensors` file.
  public static func write(
    _ tensors: [(name: String, shape: [Int], scalars: [Float])], metadata: [String: String] = [:],
    to url: URL
  ) throws(ExecutorError) {
    var header: [String: Any] = [:]
    if !metadata.isEmpty { header["__metadata__"] = metadata }
    var offset = 0
    for tensor in tensors {
      header[tensor.name] = [
        "dtype": "F32", "shape": tensor.shape,
        "data_offsets": [offset, offset + 4 * tensor.scalars.count],
      ]
      offset += 4 * tensor.scalars.count
    }
    var json: Data
    do { json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]) } catch {
      throw .file(path: url.path, reason: "cannot encode the header")
    }
    while (8 + json.count) % 8 != 0 { json.append(0x20) }
    var out = Data(capacity: 8 + json.count + offset)
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
    out.append(json)
    for tensor in tensors {
      tensor.scalars.withUnsafeBufferPointer {
        out.append(UnsafeBufferPointer(start: $0.baseAddress, count: $0.count))
      }
    }
    do { try out.write(to: url) } catch {
      throw .file(path: url.path, reason: "cannot write (\(error.localizedDescription))")
    }
  }
}
