import CostModel
import Foundation
import TestSupport
import Testing
import X3DModel

@testable import x3d_cost

/// `x3d-cost fit`, run as a user would, and its search against the memory model directly.
struct FitCommandTests {
  @Test func largestBatchFitsAndTheNextDoesNot() throws {
    let result = try CommandRunner.run(["fit", "--preset", "m", "--memory", "24GiB", "--reserve", "1.5GiB"])
    #expect(result.status == 0, "\(result.standardError)")
    let line = try #require(result.standardOutput.split(separator: "\n").first)
    let batch = try #require(Int(line.split(separator: " ").last ?? ""))
    let budget = 24 * (1 << 30) - 3 * (1 << 29)
    let configuration = try ModelConfiguration(preset: .m, batch: batch)
    let fits = try TrainingStepMemory(configuration, optimizer: .adamw)
    var larger = configuration
    larger.batch += 1
    let next = try TrainingStepMemory(larger, optimizer: .adamw)
    #expect(fits.peakBytes <= budget && next.peakBytes > budget)
    #expect(result.standardOutput.contains(Quantity.grouped(fits.peakBytes)))
    #expect(
      result.standardOutput.contains("batch \(batch + 1): the step needs \(Quantity.grouped(next.peakBytes)) bytes"))
  }

  @Test func checkpointingAndMixedPrecisionFitMore() throws {
    func largest(_ extra: [String]) throws -> Int {
      let result = try CommandRunner.run(["fit", "--preset", "s", "--memory", "16GB"] + extra)
      #expect(result.status == 0, "\(result.standardError)")
      let line = result.standardOutput.split(separator: "\n").first ?? ""
      return Int(line.split(separator: " ").last ?? "") ?? -1
    }
    let plain = try largest([])
    let half = try largest(["--amp", "bf16"])
    let checkpointed = try largest(["--amp", "bf16", "--checkpoint", "block"])
    #expect(plain > 0 && half > plain && checkpointed > 2 * half)
    let crop = try CommandRunner.run(["fit", "--preset", "xs", "--memory", "8GiB", "--vary", "crop", "--batch", "4"])
    #expect(crop.status == 0)
    #expect(crop.standardOutput.hasPrefix("fit: largest crop whose training step fits: "))
  }

  @Test(arguments: [
    (["--memory", "0"], "invalid value for --memory: 0"),
    (["--memory", "24XB"], "invalid value for --memory: 24XB"),
    (["--memory", "24GiB", "--optimizer", "lion"], "invalid value for --optimizer: lion"),
    (["--memory", "24GiB", "--amp", "fp8"], "invalid value for --amp: fp8"),
    (["--memory", "24GiB", "--checkpoint", "layer"], "invalid value for --checkpoint: layer"),
    (["--memory", "24GiB", "--vary", "width"], "invalid value for --vary: width"),
    (["--memory", "2GiB", "--reserve", "3GiB"], "invalid value for --reserve: 3GiB"),
    (["--memory", "100MB"], "the model does not fit at batch 1"),
  ])
  func badInputExitsTwoWithOneLine(_ arguments: [String], _ message: String) throws {
    let result = try CommandRunner.run(["fit", "--preset", "xl"] + arguments)
    #expect(result.status == 2)
    #expect(result.standardError.contains(message), "\(result.standardError)")
    #expect(result.standardError.split(separator: "\n").count == 1)
    #expect(result.standardOutput.isEmpty)
  }

  @Test(arguments: [
    ("24GiB", 24 << 30), ("1.5GiB", 3 << 29), ("40GB", 40_000_000_000), ("512 MiB", 512 << 20), ("1000", 1000),
    ("2kb", 2000),
  ])
  func sizes(_ text: String, _ bytes: Int) {
    #expect(ByteSize.parse(text) == bytes)
  }

  @Test(arguments: ["", "GiB", "-1GB", "1e3GB", "nan", "inf", "1.2.3GB", "9999999999TiB"])
  func badSizes(_ text: String) {
    #expect(ByteSize.parse(text) == nil)
  }
}
