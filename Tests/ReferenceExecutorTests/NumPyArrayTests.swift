import Foundation
import ReferenceExecutor
import Testing
import X3DModel

@Suite(".npy input and output")
struct NumPyArrayTests {
  let shape = TensorShape(batch: 1, channels: 3, frames: 2, height: 4, width: 5)

  func temporaryURL() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("x3d-exec-\(UUID().uuidString).npy")
  }

  /// A version 1.0 file with the given header dict and data bytes.
  func file(_ dict: String, data: Data) -> Data {
    var header = dict
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var bytes = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count), 0])
    bytes.append(Data(header.utf8))
    bytes.append(data)
    return bytes
  }

  @Test("write then read gives the same shape and elements")
  func roundTrip() throws {
    let url = temporaryURL()
    defer { try? FileManager.default.removeItem(at: url) }
    let scalars = (0..<120).map { Float($0) * 0.5 - 3 }
    try NumPyArray.write(shape: shape.dimensions, scalars: scalars, to: url)
    let tensor = try NumPyArray.readTensor(url, expected: shape)
    #expect(tensor.scalars == scalars)
    let text = String(decoding: try Data(contentsOf: url).prefix(128), as: UTF8.self)
    #expect(text.contains("'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 2, 4, 5)"))
  }

  static let bad: [(String, String, Int, String)] = [
    ("float64", "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3, 2, 4, 5), }", 960, "not float32"),
    ("big-endian", "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 3, 2, 4, 5), }", 480, "big-endian"),
    ("Fortran order", "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 3, 2, 4, 5), }", 480, "Fortran"),
    ("truncated", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 2, 4, 5), }", 400, "truncated"),
    (
      "wrong shape", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 2, 5, 4), }", 480,
      "expects (1, 3, 2, 4, 5)"
    ),
  ]

  /// Headers a lenient reader would misread: the first key wins, an unknown key is ignored, the element count
  /// wraps around (2^62 × 4 = 0) or a non-integer is dropped from the shape.
  static let hostile: [(String, String, String)] = [
    (
      "extra key", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 2, 4, 5), 'align': True, }",
      "unexpected key 'align'"
    ),
    (
      "duplicate shape", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 2, 4, 5), 'shape': (120,), }",
      "duplicate key 'shape'"
    ),
    (
      "duplicate descr", "{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 2, 4, 5), }",
      "duplicate key 'descr'"
    ),
    ("missing shape", "{'descr': '<f4', 'fortran_order': False, }", "header has no 'shape'"),
    (
      "overflowing shape", "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }",
      "more elements than fit in 64 bits"
    ),
    ("negative extent", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, -3, 2, 4, 5), }", "negative extent -3"),
    (
      "non-integer extent", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 2.5, 4, 5), }",
      "not a Python dict literal"
    ),
    ("not a dict", "['descr', '<f4']", "not a Python dict literal"),
    (
      "text after the dict", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 2, 4, 5), } x",
      "not a Python dict literal"
    ),
  ]

  @Test("hostile headers are refused, naming the key or the shape", arguments: hostile.indices)
  func hostileHeader(_ index: Int) throws {
    let (label, header, message) = Self.hostile[index]
    let url = temporaryURL()
    defer { try? FileManager.default.removeItem(at: url) }
    try file(header, data: Data(count: 480)).write(to: url)
    do {
      _ = try NumPyArray.read(url)
      Issue.record("\(label): accepted")
    } catch {
      #expect("\(error)".contains(message), "\(label): \(error)")
    }
  }

  @Test("a version 2.0 header longer than 1 MB is refused before it is read")
  func hugeHeader() throws {
    let url = temporaryURL()
    defer { try? FileManager.default.removeItem(at: url) }
    var bytes = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0])
    withUnsafeBytes(of: UInt32(1_000_000_000).littleEndian) { bytes.append(contentsOf: $0) }
    bytes.append(Data("{'descr': '<f4', ".utf8))
    try bytes.write(to: url)
    #expect(
      throws: ExecutorError.npy(
        path: url.path, reason: "the header claims 1000000000 bytes, more than the 1000000-byte limit")
    ) {
      try NumPyArray.read(url)
    }
  }

  @Test("Python 2 long integers, double quotes and a one-element tuple still read")
  func lenientWhereNumPyIs() throws {
    let url = temporaryURL()
    defer { try? FileManager.default.removeItem(at: url) }
    try file("{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (3L,)}", data: Data(count: 12)).write(to: url)
    let (shape, scalars) = try NumPyArray.read(url)
    #expect(shape == [3] && scalars == [0, 0, 0])
  }

  @Test("bad files give an error that says what is wrong", arguments: bad.indices)
  func refused(_ index: Int) throws {
    let (_, header, dataBytes, message) = Self.bad[index]
    let url = temporaryURL()
    defer { try? FileManager.default.removeItem(at: url) }
    try file(header, data: Data(count: dataBytes)).write(to: url)
    #expect {
      try NumPyArray.readTensor(url, expected: shape)
    } throws: { error in
      "\(error)".contains(message)
    }
  }

  @Test("NaN in the input is located")
  func nan() throws {
    var scalars = [Float](repeating: 0, count: 120)
    scalars[2 * 40 + 1 * 20 + 3 * 5 + 4] = .nan
    let tensor = try Tensor(shape: shape, scalars: scalars)
    let found = try #require(tensor.firstNonFinite())
    #expect(found.coordinates == [0, 2, 1, 3, 4])

    let graph = try LayerGraph(
      ModelConfiguration(frames: 2, crop: 32, widthFactor: 1, depthFactor: 0.3, bottleneckFactor: 0.5, classes: 3))
    var clip = try Tensor.uniform(graph.input.outputShape, seed: 1)
    clip.scalars[100] = .nan
    let execution = try Executor(graph: graph, weights: .seeded(graph, seed: 1), backend: ReferenceBackend()).run(clip)
    #expect(execution.firstNonFinite?.node == "input")
    #expect(execution.firstNonFinite?.coordinates == [0, 0, 0, 3, 4])
  }
}
