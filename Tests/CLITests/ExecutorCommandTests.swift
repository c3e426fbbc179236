import CostModel
import Foundation
import ReferenceExecutor
import TestSupport
import Testing
import Verification
import X3DModel

@testable import x3d_cost

/// `x3d-cost run` and `x3d-cost verify`, run as a user would.
struct ExecutorCommandTests {
  let small = [
    "--frames", "2", "--crop", "32", "--depth-factor", "0.4", "--bottleneck-factor", "0.5", "--classes", "5",
  ]

  @Test func verifyAgreesAndPrintsEveryNode() throws {
    let result = try CommandRunner.run(["verify"] + small + ["--impl", "pytorchvideo"])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("s2.pathway0_res0.branch2.b"))
    #expect(result.standardOutput.contains("verify: all 105 nodes and the inference peak agree with the cost model"))
  }

  @Test func runWritesTheOutputAndLogits() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("x3d-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let result = try CommandRunner.run(["run"] + small + ["--output", "out.npy", "--seed", "3"], in: directory)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("sample 0 top-5 (class: probability)"))
    #expect(result.standardOutput.contains("GMAC/s"))
    let bytes = try Data(contentsOf: directory.appendingPathComponent("out.npy"))
    #expect(String(decoding: bytes.prefix(80), as: UTF8.self).contains("'shape': (1, 5)"))
    let logits = try CommandRunner.run(["run"] + small + ["--logits", "--backend", "reference"], in: directory)
    #expect(logits.standardOutput.contains("(class: logit)"))
  }

  @Test func badInputsExitTwoWithAMessage() throws {
    let missing = try CommandRunner.run(["run"] + small + ["--input", "absent.npy"])
    #expect(missing.status == 2)
    #expect(missing.standardError.contains("absent.npy: no such input file"))
    let weights = try CommandRunner.run(["run"] + small + ["--weights", "absent.safetensors"])
    #expect(weights.status == 2)
    #expect(weights.standardError.contains("no such weights file"))
    let other = try CommandRunner.run(
      [
        "run", "--frames", "1", "--crop", "48", "--classes", "5", "--impl", "pytorchvideo", "--weights",
        Fixtures.directory.appendingPathComponent("executor/t1_depth1/weights.safetensors").path,
      ])
    #expect(other.status == 2)
    #expect(other.standardError.contains("wrong shape"))
  }
}

/// The comparison `verify` prints, fed a cost report that disagrees on purpose.
struct AgreementViewTests {
  @Test func reportsEveryDifferenceAndTheTotals() throws {
    let configuration = try ModelConfiguration(
      frames: 1, crop: 32, widthFactor: 1, depthFactor: 0.3, bottleneckFactor: 0.5, classes: 3)
    let graph = try LayerGraph(configuration)
    let report = try CostReport(configuration, perLayer: true)
    let execution = try Executor(graph: graph, weights: .seeded(graph, seed: 1), backend: ReferenceBackend())
      .run(try Tensor(shape: graph.input.outputShape, scalars: [Float](repeating: 0.5, count: 3 * 32 * 32)))
    let agreeing = Agreement(report: report, tally: execution.tally)
    #expect(agreeing.differences == 0)

    var rows = report.layers
    let conv = try #require(rows.firstIndex { $0.name == "s2.pathway0_res0.branch2.b" })
    rows[conv].cost[.macs] += 1
    rows[conv].cost[.params] -= 1
    var totals = report.totals
    totals[.inferencePeakBytes] += 4
    let differing = Agreement(rows: rows, totals: totals, tally: execution.tally)
    // One node, the inference peak; the per-node totals are summed from the tally, the report's totals unchanged.
    #expect(differing.differences == 2)
    let text = AgreementView(differing).render(quiet: true)
    #expect(text.contains("s2.pathway0_res0.branch2.b"))
    #expect(text.contains("DIFFERS"))
    #expect(!text.contains("s2.pathway0_res0.branch2.a "))
  }
}
