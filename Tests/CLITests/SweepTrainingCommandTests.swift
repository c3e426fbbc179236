import CostModel
import Foundation
import TestSupport
import Testing
import X3DModel

@testable import x3d_cost

/// `sweep --training-batch`, run as a user runs it, in a fresh directory: the stored `training_step_bytes` are
/// `TrainingStepMemory`'s peak and `fit`'s, and bad values change nothing.
struct SweepTrainingCommandTests {
  func directory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("x3d-sweeptraining-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// `preset,frames,value` rows of a sweep's dataset's `training_step_bytes`, ordered by preset and frames (the
  /// `measured` view joins a key to every sweep that holds it, hence the sweep).
  func stored(_ dataset: String, sweep: String, in here: URL) throws -> [(Preset, Int, Int)] {
    let query = try CommandRunner.run(
      [
        "query",
        "SELECT preset, frames, CAST(value AS INTEGER) FROM measured WHERE metric = 'training_step_bytes' "
          + "AND dataset = '\(dataset)' AND sweep = '\(sweep)' ORDER BY preset, frames",
        "--format", "csv",
      ], in: here)
    #expect(query.status == 0, "\(query.standardError)")
    return query.standardOutput.split(separator: "\r\n").dropFirst().compactMap { line in
      let cells = line.split(separator: ",").map(String.init)
      guard cells.count == 3, let preset = Preset(rawValue: cells[0]), let frames = Int(cells[1]),
        let bytes = Int(cells[2])
      else { return nil }
      return (preset, frames, bytes)
    }
  }

  @Test func storedBytesAreTheStepsPeakAsFitFindsIt() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let sweep = try CommandRunner.run(
      [
        "sweep", "--name", "t", "--preset", "xs,m,l", "--training-batch", "8", "--optimizer",
        "momentum", "--amp", "bf16", "--checkpoint", "block",
      ], in: here)
    #expect(sweep.status == 0, "\(sweep.standardError)")
    let dataset = "t-training-b8-momentum-bf16-checkpoint-block"
    #expect(
      sweep.standardOutput.contains("training_step_bytes of 3 configurations in dataset '\(dataset)'"),
      "\(sweep.standardOutput)")
    let rows = try stored(dataset, sweep: "t", in: here)
    #expect(rows.map { "\($0.0.rawValue)\($0.1)" } == ["l16", "m16", "xs4"])
    for (preset, frames, bytes) in rows {
      let configuration = try ModelConfiguration(preset: preset, batch: 8)
      #expect(configuration.frames == frames)
      let memory = try TrainingStepMemory(
        configuration, optimizer: .momentum, precision: .bf16, checkpointing: .block)
      #expect(bytes == memory.peakBytes, "\(preset) T\(frames)")
    }
    // `fit` with exactly the stored bytes as the memory finds batch 8 and prints the same peak; a byte less does not.
    let (preset, _, bytes) = try #require(rows.first)
    let common = [
      "fit", "--preset", preset.rawValue, "--optimizer", "momentum", "--amp", "bf16",
      "--checkpoint", "block",
    ]
    let fit = try CommandRunner.run(common + ["--memory", "\(bytes)"], in: here)
    #expect(fit.standardOutput.hasPrefix("fit: largest batch whose training step fits: 8\n"), "\(fit.standardOutput)")
    #expect(fit.standardOutput.contains(Quantity.grouped(bytes)))
    let less = try CommandRunner.run(common + ["--memory", "\(bytes - 1)"], in: here)
    #expect(less.standardOutput.hasPrefix("fit: largest batch whose training step fits: 7\n"))
    // The defaults (adamw, no amp, no checkpointing) get their own dataset; query answers "which train at batch 16
    // in 40 GB".
    let plain = try CommandRunner.run(
      ["sweep", "--name", "u", "--preset", "xs,l", "--training-batch", "16"], in: here)
    #expect(plain.status == 0, "\(plain.standardError)")
    let adamw = try stored("u-training-b16-adamw", sweep: "u", in: here)
    for (preset, _, bytes) in adamw {
      let memory = try TrainingStepMemory(ModelConfiguration(preset: preset, batch: 16), optimizer: .adamw)
      #expect(bytes == memory.peakBytes, "\(preset)")
    }
    let fitting = try CommandRunner.run(
      [
        "query",
        "SELECT preset FROM measured WHERE dataset = 'u-training-b16-adamw' AND sweep = 'u' AND value <= 40e9 "
          + "ORDER BY preset",
        "--format", "csv",
      ], in: here)
    let expected = adamw.filter { $0.2 <= 40_000_000_000 }.map(\.0.rawValue).sorted()
    #expect(adamw.count == 2 && expected.count == 1, "\(adamw)")
    #expect(Array(fitting.standardOutput.split(separator: "\r\n").dropFirst()).map(String.init) == expected)
  }

  @Test func aStepPastTheCheckedIntegersIsSkippedAndCounted() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let sweep = try CommandRunner.run(
      ["sweep", "--name", "o", "--preset", "xs", "--crop", "160,2048", "--training-batch", "1073741824"], in: here)
    #expect(sweep.status == 0, "\(sweep.standardError)")
    #expect(
      sweep.standardOutput.contains("training_step_bytes of 1 configurations in dataset 'o-training-b1073741824-adamw'")
    )
    #expect(
      sweep.standardOutput.contains(
        "1 configurations' training step could not be modelled; first: paper|T4|S2048|"),
      "\(sweep.standardOutput)")
  }

  @Test(arguments: [
    (["--training-batch", "0"], "invalid value for --training-batch: 0 (must be positive)"),
    (["--training-batch", "-3"], "invalid value for --training-batch: -3 (must be positive)"),
    (["--training-batch", "8", "--optimizer", "lion"], "invalid value for --optimizer: lion"),
    (["--training-batch", "8", "--amp", "fp8"], "invalid value for --amp: fp8"),
    (["--training-batch", "8", "--checkpoint", "layer"], "invalid value for --checkpoint: layer"),
    (["--optimizer", "sgd"], "--optimizer, --amp and --checkpoint need --training-batch"),
  ])
  func badValuesExitTwoAndChangeNothing(_ arguments: [String], _ message: String) throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let first = try CommandRunner.run(["sweep", "--name", "t", "--preset", "xs"], in: here)
    #expect(first.status == 0, "\(first.standardError)")
    let before = try FolderSnapshot(here)
    let result = try CommandRunner.run(["sweep", "--name", "t", "--preset", "xs"] + arguments, in: here)
    #expect(result.status == 2)
    #expect(result.standardError.contains(message), "\(result.standardError)")
    #expect(result.standardError.split(separator: "\n").count == 1)
    #expect(try FolderSnapshot(here) == before)
  }
}
