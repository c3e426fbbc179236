import Foundation
import ReferenceExecutor
import Testing

/// `.safetensors` files built to break a lenient reader: each is refused with a message naming what is wrong,
/// never a trap, a wrapped integer or a silently chosen duplicate.
@Suite("safetensors: hostile headers")
struct SafeTensorsHostileTests {
  /// A file with `header` as its JSON text and `dataBytes` zero bytes of data.
  static func file(_ header: String, dataBytes: Int, claimedLength: UInt64? = nil) -> Data {
    var bytes = Data()
    withUnsafeBytes(of: (claimedLength ?? UInt64(header.utf8.count)).littleEndian) { bytes.append(contentsOf: $0) }
    bytes.append(Data(header.utf8))
    bytes.append(Data(count: dataBytes))
    return bytes
  }

  static func entry(_ name: String, shape: String, offsets: String, dtype: String = "F32") -> String {
    "\"\(name)\": {\"dtype\": \"\(dtype)\", \"shape\": \(shape), \"data_offsets\": \(offsets)}"
  }

  static let cases: [(label: String, header: String, dataBytes: Int, message: String)] = [
    (
      "shape [2^61, 2]: 2^62 elements fit, 2^64 bytes do not",
      "{" + entry("w", shape: "[2305843009213693952, 2]", offsets: "[0, 16]") + "}", 16,
      "more bytes than fit in 64 bits"
    ),
    (
      "shape [2^40, 2^40]: the element count overflows",
      "{" + entry("w", shape: "[1099511627776, 1099511627776]", offsets: "[0, 16]") + "}", 16,
      "more elements than fit in 64 bits"
    ),
    (
      "an extent beyond Int", "{" + entry("w", shape: "[18446744073709551617]", offsets: "[0, 4]") + "}", 4,
      "not a list of integers"
    ),
    ("negative extent", "{" + entry("w", shape: "[-1, 4]", offsets: "[0, 16]") + "}", 16, "negative extent -1"),
    (
      "non-integer offsets", "{" + entry("w", shape: "[4]", offsets: "[0, 16.0]") + "}", 16,
      "expected two integers"
    ),
    (
      "fractional offsets", "{" + entry("w", shape: "[4]", offsets: "[0.5, 16.5]") + "}", 17,
      "expected two integers"
    ),
    (
      "overlapping tensors",
      "{" + entry("a", shape: "[4]", offsets: "[0, 16]") + ", " + entry("b", shape: "[4]", offsets: "[8, 24]") + "}",
      24, "a (bytes 0..<16) and b (bytes 8..<24) overlap"
    ),
    (
      "offsets beyond the data", "{" + entry("w", shape: "[4]", offsets: "[0, 16]") + "}", 8,
      "outside the 8-byte data section"
    ),
    (
      "bytes that do not match the shape", "{" + entry("w", shape: "[4]", offsets: "[0, 12]") + "}", 16,
      "needs 16 bytes"
    ),
    (
      "duplicate tensor names",
      "{" + entry("w", shape: "[4]", offsets: "[0, 16]") + ", " + entry("w", shape: "[2]", offsets: "[16, 24]") + "}",
      24, "duplicate key \"w\""
    ),
    (
      "a duplicate key inside an entry",
      "{\"w\": {\"dtype\": \"F32\", \"dtype\": \"F16\", \"shape\": [4], \"data_offsets\": [0, 16]}}", 16,
      "duplicate key \"dtype\""
    ),
    ("metadata that is not strings", "{\"__metadata__\": {\"format\": 7}}", 0, "__metadata__ format is not a string"),
    ("nesting 100,000 deep", String(repeating: "[", count: 100_000), 0, "nested deeper than 64 levels"),
    ("not JSON", "{\"w\": tru}", 0, "not valid JSON"),
  ]

  @Test("refused with a message naming the problem", arguments: cases.indices)
  func refused(_ index: Int) throws {
    let (label, header, dataBytes, message) = Self.cases[index]
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("x3d-st-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: url) }
    try Self.file(header, dataBytes: dataBytes).write(to: url)
    do {
      _ = try SafeTensorsFile(contentsOf: url)
      Issue.record("\(label): accepted")
    } catch {
      #expect("\(error)".contains(message), "\(label): \(error)")
    }
  }

  @Test("a header longer than 100 MB is refused before it is read")
  func hugeHeader() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("x3d-st-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: url) }
    try Self.file("{}", dataBytes: 0, claimedLength: 1_000_000_000).write(to: url)
    #expect(
      throws: ExecutorError.safetensors(
        path: url.path, reason: "the header claims 1000000000 bytes, more than the 100000000-byte (100 MB) limit")
    ) { try SafeTensorsFile(contentsOf: url) }
    #expect(SafeTensorsFile.maximumHeaderBytes == 100_000_000)
  }

  @Test("valid files still read: escapes, empty tensors, tensors in any order")
  func accepted() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("x3d-st-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: url) }
    let header =
      "{\"__metadata__\": {\"n\\u00e4me\": \"a\\\"b\"}, " + Self.entry("b", shape: "[2]", offsets: "[16, 24]") + ", "
      + Self.entry("a", shape: "[2, 2]", offsets: "[0, 16]") + ", "
      + Self.entry("e", shape: "[0, 3]", offsets: "[16, 16]")
      + "}"
    var bytes = Self.file(header, dataBytes: 0)
    for value: Float in [1, 2, 3, 4, 5, 6] {
      withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }
    try bytes.write(to: url)
    let file = try SafeTensorsFile(contentsOf: url)
    #expect(file.metadata == ["näme": "a\"b"])
    #expect(file.floats("a") == [1, 2, 3, 4])
    #expect(file.floats("b") == [5, 6])
    #expect(file.floats("e") == [])
    #expect(file.entries["a"]?.shape == [2, 2])
  }
}
