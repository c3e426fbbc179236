import CostModel
import ReferenceExecutor
import TestSupport
import Testing
import X3DModel

/// The executor's own counts against the cost formulas, node by node (what `x3d-cost verify` does).
@Suite("Executor tally agrees with the cost model")
struct CostAgreementTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var frames: Int
    var crop: Int
    var testCrop: Int? = nil
    var width = 2.0
    var depth = 0.4
    var bottleneck = 1.0
    var classes = 5
    var batch = 1
    var implementation: ImplementationVariant = .paper

    var testDescription: String { name }

    func configuration() throws -> ModelConfiguration {
      try ModelConfiguration(
        frames: frames, crop: crop, testCrop: testCrop, widthFactor: width, depthFactor: depth,
        bottleneckFactor: bottleneck, classes: classes, batch: batch, implementation: implementation)
    }
  }

  static let cases: [Case] = [
    Case(name: "paper 2×32²", frames: 2, crop: 32),
    Case(
      name: "slowfast width 1.3, odd crop 40", frames: 3, crop: 40, width: 1.3, depth: 0.3, implementation: .slowfast),
    Case(name: "pytorchvideo T 1, crop 36", frames: 1, crop: 36, implementation: .pytorchvideo),
    Case(name: "test crop 64 over train crop 32, batch 2", frames: 2, crop: 32, testCrop: 64, batch: 2),
    Case(
      name: "pytorchvideo depth 1 (SE alternation)", frames: 1, crop: 32, width: 1, depth: 1, bottleneck: 0.5,
      implementation: .pytorchvideo),
    Case(name: "crop 33 (odd sizes every stage)", frames: 2, crop: 33, width: 1, bottleneck: 2.25),
  ]

  @Test("node by node: shapes, MACs, parameters, outputs, activations; the inference peak", arguments: cases)
  func agrees(_ test: Case) throws {
    let configuration = try test.configuration()
    let graph = try LayerGraph(configuration)
    let report = try CostReport(configuration, elementType: .f32, perLayer: true)
    let executor = Executor(graph: graph, weights: .seeded(graph, seed: 7), backend: ReferenceBackend())
    let execution = try executor.run(try randomClip(graph, seed: 3))

    var mismatches = Mismatches()
    mismatches.expect(execution.tally.nodes.count, report.layers.count, "node count")
    for (row, node) in zip(report.layers, execution.tally.nodes) {
      let name = row.name
      #expect(node.path.description == name)
      #expect(node.outputShape == row.node.outputShape, "\(name) output shape")
      mismatches.expect(node.macs, row.cost.macs, "\(name) multiply-adds")
      mismatches.expect(node.parameterCount, row.cost.parameterCount, "\(name) parameters")
      mismatches.expect(node.outputElements, row.cost.outputElements, "\(name) output elements")
      mismatches.expect(node.activationCount, row.cost.fvcoreActivationCount, "\(name) activations")
    }
    mismatches.expect(execution.tally.macs, report.totals.macs, "total multiply-adds")
    mismatches.expect(execution.tally.parameterCount, report.totals.params, "total parameters")
    mismatches.expect(execution.tally.peakLiveBytes, report.totals.inferencePeakBytes, "inference peak bytes")
    #expect(mismatches.isEmpty, "\(mismatches.report)")
  }

  @Test("the tally is the kernels' own: a perturbed graph shows up as a difference")
  func detectsDisagreement() throws {
    // Run a graph at another batch than the report: every count that scales with N must differ.
    let small = try Case(name: "", frames: 1, crop: 32).configuration()
    var large = small
    large.batch = 2
    let graph = try LayerGraph(large)
    let report = try CostReport(small, perLayer: true)
    let execution = try Executor(graph: graph, weights: .seeded(graph, seed: 1), backend: ReferenceBackend())
      .run(try randomClip(graph, seed: 1))
    #expect(execution.tally.macs == 2 * report.totals.macs)
    #expect(execution.tally.parameterCount == report.totals.params)
    #expect(execution.tally.peakLiveBytes == 2 * report.totals.inferencePeakBytes)
  }
}

/// A clip of uniform values in [−1, 1) from ``SplitMix64``.
func randomClip(_ graph: LayerGraph, seed: UInt64) throws -> Tensor {
  var generator = SplitMix64(seed: seed)
  let shape = graph.input.outputShape
  return try Tensor(shape: shape, scalars: (0..<(try shape.elementCount())).map { _ in generator.uniform(-1, 1) })
}
