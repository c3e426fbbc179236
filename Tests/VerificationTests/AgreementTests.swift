import CostModel
import ReferenceExecutor
import TestSupport
import Testing
import Verification
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
    let execution = try executor.run(try Tensor.uniform(graph.input.outputShape, seed: 3))
    let agreement = Agreement(report: report, tally: execution.tally)

    var mismatches = Mismatches()
    mismatches.expect(agreement.observedNodeCount, report.layers.count, "node count")
    mismatches.expect(agreement.nodes.count, report.layers.count, "nodes compared")
    for node in agreement.nodes {
      #expect(node.observedPath == node.expectedPath)
      #expect(node.observedShape == node.expectedShape, "\(node.expectedPath) output shape")
      for count in node.counts {
        mismatches.expect(count.observed, count.expected, "\(node.expectedPath) \(count.field.name)")
      }
    }
    for count in agreement.totals { mismatches.expect(count.observed, count.expected, "total \(count.field.name)") }
    #expect(
      agreement.totals.map(\.field) == [.macs, .params, .activations, .bytesRead, .bytesWritten, .inferencePeakBytes])
    #expect(mismatches.isEmpty, "\(mismatches.report)")
    #expect(agreement.agrees)
    #expect(agreement.differences == 0)
  }

  @Test("the tally is the kernels' own: a perturbed graph shows up as differences")
  func detectsDisagreement() throws {
    // Run a graph at another batch than the report: every count that scales with N must differ.
    let small = try Case(name: "", frames: 1, crop: 32).configuration()
    var large = small
    large.batch = 2
    let graph = try LayerGraph(large)
    let report = try CostReport(small, perLayer: true)
    let execution = try Executor(graph: graph, weights: .seeded(graph, seed: 1), backend: ReferenceBackend())
      .run(try Tensor.uniform(graph.input.outputShape, seed: 1))
    let agreement = Agreement(report: report, tally: execution.tally)
    let totals = Dictionary(uniqueKeysWithValues: agreement.totals.map { ($0.field, $0) })
    #expect(totals[.macs]?.observed == 2 * report.totals[.macs])
    #expect(totals[.params]?.agrees == true)
    #expect(totals[.inferencePeakBytes]?.observed == 2 * report.totals[.inferencePeakBytes])
    #expect(!agreement.agrees)
    // Every node writes twice the output elements, so every node differs, and five of the six totals.
    #expect(agreement.differences == agreement.nodes.filter { !$0.agrees }.count + 5)
    #expect(agreement.nodes.filter { !$0.agrees }.count == agreement.nodes.count)
  }
}
