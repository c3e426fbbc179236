import Foundation
import ReferenceExecutor
import TestSupport
import Testing
import X3DModel

/// Hostile input, run as a user runs it: each case exits with status 2 and one line naming the value, and leaves
/// every file as it was (a signal, a hang, a huge allocation or a changed file fails the test).
struct HostileInputTests {
  func directory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("x3d-hostile-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Runs `arguments` in `directory` and checks status 2, one line on stderr containing `message`, nothing on
  /// stdout, and the folder unchanged.
  func expectRefused(_ arguments: [String], in directory: URL, _ message: String) throws {
    let before = try FolderSnapshot(directory)
    let result = try CommandRunner.run(arguments, in: directory)
    #expect(result.status == 2, "\(arguments): status \(result.status), \(result.standardError)")
    #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
    #expect(
      result.standardError.hasSuffix("\n") && result.standardError.dropLast().split(separator: "\n").count == 1,
      "\(arguments): not one line: \(result.standardError)")
    #expect(result.standardOutput.isEmpty, "\(arguments): \(result.standardOutput)")
    let after = try FolderSnapshot(directory)
    #expect(
      after == before, "\(arguments) changed the folder: \(before.files.keys.sorted()) → \(after.files.keys.sorted())")
  }

  static let tiny = [
    "--frames", "1", "--crop", "32", "--depth-factor", "0.3", "--bottleneck-factor", "0.5", "--classes", "3",
  ]

  static let numericFlags: [([String], String)] = [
    (["--frames", "-1"], "invalid value for --frames: -1 (must be positive)"),
    (["cost", "--frames=-1"], "invalid value for --frames: -1 (must be positive)"),
    (["cost", "--batch", "0"], "invalid value for --batch: 0 (must be positive)"),
    (["cost", "--gamma-t", "-0.5"], "invalid value for --gamma-t: -0.5 (must be positive)"),
    (["cost", "--width-factor", "-2"], "invalid value for --width-factor: -2.0 (must be positive)"),
    (["verify", "--crop", "-224"], "invalid value for --crop: -224 (must be positive)"),
    (["sweep", "--name", "x", "--frames", "-1"], "invalid value for --frames: -1 (must be positive)"),
    (
      ["sweep", "--name", "x", "--crop", "-160:224:16"],
      "invalid value for --crop: -160 in '-160:224:16' (must be positive)"
    ),
    (
      ["sweep", "--name", "x", "--batch-size", "9223372036854775807"],
      "invalid value for --batch-size: 9223372036854775807 (must be at most 1000000)"
    ),
    (["sweep", "--name", "x", "--batch-size", "-5"], "invalid value for --batch-size: -5 (must be positive)"),
    (["sweep", "--name", "x", "--jobs", "100000"], "invalid value for --jobs: 100000 (must be at most 1024)"),
    (
      ["run", "--threads", "4611686018427387904"],
      "invalid value for --threads: 4611686018427387904 (must be at most 1024)"
    ),
    (["run", "--threads", "-2"], "invalid value for --threads: -2 (must be positive)"),
    (
      ["run", "--warmup", "9223372036854775807"],
      "invalid value for --warmup: 9223372036854775807 (must be at most 1000)"
    ),
    (["run", "--warmup", "-1"], "invalid value for --warmup: -1 (must not be negative)"),
    (["run", "--repeats", "0"], "invalid value for --repeats: 0 (must be positive)"),
    (
      ["run", "--batch", "1073741824"], "--batch 1073741824 (input 1073741824×3×1×112×112): the run would need at least"
    ),
    (["verify", "--batch", "1073741824"], "the run would need at least"),
    (["query", "SELECT 1", "--max-rows", "-1"], "invalid value for --max-rows: -1 (must be positive)"),
    (
      ["expand", "run", "--name", "x", "--target-gmacs", "5", "--proxy", "naswot", "--step-ratio", "1e12"],
      "invalid value for --step-ratio: 1000000000000.0 (must be at most 100)"
    ),
  ]

  @Test(arguments: numericFlags.indices)
  func numericFlagsOutOfRange(_ index: Int) throws {
    let (arguments, message) = Self.numericFlags[index]
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    try expectRefused(arguments, in: here, message)
    #expect(!FileManager.default.fileExists(atPath: here.appendingPathComponent("results.db").path))
  }

  @Test func runAtBatchTwoToTheThirtySaysHowMuchMemory() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let result = try CommandRunner.run(["run", "--batch", "1073741824"], in: here)
    // 2^30 · 3 · 1 · 112² float32 = 147 TiB of clip alone.
    #expect(result.standardError.contains("the 147.00 TiB clip included"), "\(result.standardError)")
    #expect(result.standardError.contains("of memory. Use a smaller --batch"), "\(result.standardError)")
  }

  // MARK: Files that name each other

  @Test func outputThatIsTheWeightsOrTheInputIsRefused() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let configuration = try ModelConfiguration(
      frames: 1, crop: 32, widthFactor: 2, depthFactor: 0.3, bottleneckFactor: 0.5, classes: 3)
    let graph = try LayerGraph(configuration)
    try ModelWeights.seeded(graph, seed: 1).save(
      to: here.appendingPathComponent("w.safetensors"), naming: .slowfast)
    try NumPyArray.write(
      shape: graph.input.outputShape.dimensions, scalars: [Float](repeating: 0.5, count: 3 * 32 * 32),
      to: here.appendingPathComponent("clip.npy"))
    try FileManager.default.createSymbolicLink(
      atPath: here.appendingPathComponent("link.safetensors").path, withDestinationPath: "w.safetensors")
    try FileManager.default.linkItem(
      at: here.appendingPathComponent("clip.npy"), to: here.appendingPathComponent("hard.npy"))
    let model = Self.tiny
    for (flag, file, output) in [
      ("--weights", "w.safetensors", "w.safetensors"), ("--weights", "w.safetensors", "./w.safetensors"),
      ("--weights", "w.safetensors", "link.safetensors"),
      ("--weights", "link.safetensors", here.path + "/w.safetensors"),
      ("--input", "clip.npy", "clip.npy"), ("--input", "clip.npy", "hard.npy"),
      ("--input", "hard.npy", "../\(here.lastPathComponent)/clip.npy"),
    ] {
      try expectRefused(
        ["run"] + model + [flag, file, "--output", output], in: here,
        "--output \(output) is the same file as \(flag) \(file)")
    }
    let fine = try CommandRunner.run(
      ["run"] + model + ["--weights", "w.safetensors", "--input", "clip.npy", "--output", "out.npy"], in: here)
    #expect(fine.status == 0, "\(fine.standardError)")
  }

  @Test func hostileWeightsFileIsOneLine() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let header = "{\"w\": {\"dtype\": \"F32\", \"shape\": [2305843009213693952, 2], \"data_offsets\": [0, 16]}}"
    var bytes = Data()
    withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
    bytes.append(Data(header.utf8))
    bytes.append(Data(count: 16))
    try bytes.write(to: here.appendingPathComponent("bad.safetensors"))
    try expectRefused(
      ["run"] + Self.tiny + ["--weights", "bad.safetensors"], in: here, "more bytes than fit in 64 bits")
  }
}
