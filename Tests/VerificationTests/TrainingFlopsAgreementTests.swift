import CostModel
import ReferenceExecutor
import TestSupport
import Testing
import Verification
import X3DModel

/// The `training_flops` cost field against the executor's training step, node by node, on random configurations of
/// all three implementations deep enough that stages repeat blocks (the per-layer rows of a repeated block are its
/// representative's, and the fast totals price each distinct block once): the per-node field, its sum, the totals
/// of both totals paths and ``TrainingTotals`` all equal the kernels' own count.
@Suite("training_flops agrees with the executor's training step")
struct TrainingFlopsAgreementTests {
  static let configurations: [ModelConfiguration] = {
    var state: UInt64 = 0x5EED_0012
    func next(_ range: ClosedRange<Int>) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return range.lowerBound + Int((state >> 33) % UInt64(range.count))
    }
    return (0..<6).map { i in
      try! ModelConfiguration(
        frames: next(1...3), crop: next(32...44), widthFactor: Double(next(30...120)) / 100,
        depthFactor: Double(next(90...200)) / 100, bottleneckFactor: Double(next(50...200)) / 100,
        classes: next(2...9), batch: next(1...2), implementation: ImplementationVariant.allCases[i % 3])
    }
  }()

  @Test("node by node and in total", arguments: configurations)
  func agrees(_ configuration: ModelConfiguration) throws {
    let graph = try LayerGraph(configuration)
    #expect(
      graph.nodes.contains { node in node.path.block.map { Schedule.repeatedBlock(of: $0) != nil } ?? false },
      "a stage repeats a block")
    let report = try CostReport(configuration, perLayer: true)
    let field = report.layers.map { $0.cost[.trainingFlops] }
    let clip = try Tensor.uniform(graph.input.outputShape, seed: 3)
    let labels = (0..<configuration.batch).map { $0 % configuration.classes }
    let step = try TrainingStep(graph: graph, weights: .seeded(graph, seed: 5)).run(clip, labels: labels)
    let agreement = TrainingAgreement(
      graph: graph, expected: try TrainingTotals.rows(graph), tally: step.tally, trainingFlops: field)
    #expect(agreement.differences.isEmpty, "\(agreement.differences.prefix(5))")

    let executed = step.tally.total.flops
    var evaluator = TotalsEvaluator()
    #expect(field.reduce(0, +) == executed)
    #expect(report.totals[.trainingFlops] == executed)
    #expect(try CostReport.totals(configuration)[.trainingFlops] == executed)
    #expect(try evaluator.totals(configuration)[.trainingFlops] == executed)
    #expect(try TrainingTotals(configuration).cost.flops == executed)
    #expect(
      report.totals[.trainingMacs] == step.tally.total.forwardMACs + step.tally.total.inputGradientMACs
        + step.tally.total.weightGradientMACs)
  }

  @Test("a node whose field is off by one is reported")
  func reportsADifference() throws {
    let configuration = try #require(Self.configurations.first)
    let graph = try LayerGraph(configuration)
    var field = try CostReport(configuration, perLayer: true).layers.map { $0.cost[.trainingFlops] }
    let clip = try Tensor.uniform(graph.input.outputShape, seed: 3)
    let step = try TrainingStep(graph: graph, weights: .seeded(graph, seed: 5)).run(
      clip, labels: Array(repeating: 0, count: configuration.batch))
    // The first block's input is read by two nodes: the first reader pays the sum of the two gradients.
    let reader = try #require(graph.nodes.first { $0.path.block == 0 && $0.path.stage == .res2 })
    field[reader.index] -= 1
    let differences = TrainingAgreement(
      graph: graph, expected: try TrainingTotals.rows(graph), tally: step.tally, trainingFlops: field
    ).differences
    #expect(differences.map(\.node) == [reader.path.description])
    #expect(differences.first?.quantity == TrainingAgreement.costFieldQuantity)
  }
}
