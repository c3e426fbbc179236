import CostModel
import Foundation
import ReferenceExecutor
import TestSupport
import Verification
import Testing
import X3DModel

@testable import x3d_cost

/// `x3d-cost verify --training`, run as a user would, and its agreement logic.
struct TrainingCommandTests {
  let small = [
    "--frames", "2", "--crop", "32", "--depth-factor", "0.4", "--bottleneck-factor", "0.5", "--classes", "5",
    "--batch", "2",
  ]

  @Test func verifyTrainingAgreesNodeByNode() throws {
    let result = try CommandRunner.run(["verify", "--training"] + small + ["--impl", "slowfast"])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("s2.pathway0_res0.branch2.b"))
    #expect(result.standardOutput.contains("weight-gradient MACs"))
    #expect(result.standardOutput.contains("verify --training: all 106 nodes agree with the training formulas"))
  }

  @Test func fastBackendIsRefused() throws {
    let result = try CommandRunner.run(["verify", "--training", "--backend", "fast"] + small)
    #expect(result.status == 2)
    #expect(result.standardError.contains("verify --training runs the reference backend only, not --backend fast"))
  }

  @Test func agreementReportsADifference() throws {
    let graph = try LayerGraph(
      try ModelConfiguration(
        frames: 1, crop: 32, widthFactor: 1, depthFactor: 0.3,
        bottleneckFactor: 0.5, classes: 3))
    let clip = try Tensor(
      shape: graph.input.outputShape,
      scalars: [Float](repeating: 0.5, count: try graph.input.outputShape.elementCount()))
    let step = try TrainingStep(graph: graph, weights: .seeded(graph, seed: 2)).run(clip, labels: [1])
    var expected = try TrainingTotals.rows(graph)
    #expect(TrainingAgreement(graph: graph, expected: expected, tally: step.tally).differences.isEmpty)
    expected[5].weightGradientMACs += 1
    let differences = TrainingAgreement(graph: graph, expected: expected, tally: step.tally).differences
    #expect(differences.count == 1)
    #expect(differences.first?.node == graph.nodes[5].path.description)
    #expect(differences.first?.quantity == "weight-gradient MACs")
  }
}
