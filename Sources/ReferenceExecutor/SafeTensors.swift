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
    guard headerLength <= UInt64(bytes.count - 8) else {
      throw fail(
        "the header claims \(headerLength) bytes but the file has \(bytes.count - 8) after the length"
      )
    }
    dataStart = 8 + Int(headerLength)
    let dataSize = bytes.count - dataStart
    let json: Any
    do {
      json = try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<dataStart))
    } catch { throw fail("the header is not JSON") }
    guard let header = json as? [String: Any] else { throw fail("the header is not a JSON object") }
    var entries: [String: Entry] = [:]
    var metadata: [String: String] = [:]
    for (name, value) in header {
      if name == "__metadata__" {
        for (key, item) in value as? [String: Any] ?? [:] {
          metadata[key] = item as? String ?? "\(item)"
        }
        continue
      }
      guard let object = value as? [String: Any], let dtype = object["dtype"] as? String,
        let shape = (object["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
        let offsets = (object["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }
        ),
        offsets.count == 2, shape.count == (object["shape"] as? [Any])?.count
      else { throw fail("tensor \(name) lacks a dtype, shape or data_offsets") }
      guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[0] <= offsets[1],
        offsets[1] <= dataSize
      else {
        throw fail(
          "tensor \(name) has data_offsets \(offsets) outside the \(dataSize)-byte data section (truncated file?)"
        )
      }
      if let size = Self.dtypeSizes[dtype] {
        let (count, overflow) = shape.reduce((1, false)) {
          let (p, o) = $0.0.multipliedReportingOverflow(by: $1)
          return (p, $0.1 || o)
        }
        guard !overflow, count * size == offsets[1] - offsets[0] else {
          throw fail(
            "tensor \(name) of shape \(shape) and dtype \(dtype) holds \(offsets[1] - offsets[0]) bytes"
          )
        }
      }
      entries[name] = Entry(dtype: dtype, shape: shape, byteRange: offsets[0]..<offsets[1])
    }
    self.entries = entries
    self.metadata = metadata
    self.bytes = bytes
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
