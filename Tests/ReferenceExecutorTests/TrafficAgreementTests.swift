import CostModel
import ReferenceExecutor
import Testing
import X3DModel

/// The bytes the reference kernels read and write, counted where they touch memory, against ``MemoryTraffic``.
@Suite("Executor memory traffic agrees with the formulas")
struct TrafficAgreementTests {
  static let configurations: [(String, ModelConfiguration)] = {
    func make(
      _ frames: Int, _ crop: Int, width: Double = 2, depth: Double = 0.4, bottleneck: Double = 1, batch: Int = 1,
      _ implementation: ImplementationVariant = .paper
    ) -> ModelConfiguration {
      try! ModelConfiguration(
        frames: frames, crop: crop, widthFactor: width, depthFactor: depth, bottleneckFactor: bottleneck, classes: 5,
        batch: batch, implementation: implementation)
    }
    return [
      ("paper 2×32²", make(2, 32)),
      ("crop 33, odd extents, batch 2", make(2, 33, width: 1, bottleneck: 2.25, batch: 2)),
      ("pytorchvideo 1×36², depth 1", make(1, 36, width: 1, depth: 1, bottleneck: 0.5, .pytorchvideo)),
    ]
  }()

  @Test("bytes read and written, node by node", arguments: configurations.indices)
  func agrees(_ index: Int) throws {
    let (name, configuration) = Self.configurations[index]
    let graph = try LayerGraph(configuration)
    let executor = Executor(graph: graph, weights: .seeded(graph, seed: 5), backend: ReferenceBackend())
    let execution = try executor.run(try Tensor.uniform(graph.input.outputShape, seed: 6))
    let disagreements = try trafficDisagreements(graph: graph, tally: execution.tally)
    #expect(disagreements.isEmpty, "\(name): \(disagreements.prefix(20).map(\.description).joined(separator: "\n"))")
    #expect(execution.tally.bytesRead > 0)
  }

  @Test("a graph run at another batch disagrees on every activation byte")
  func detectsDisagreement() throws {
    let small = try ModelConfiguration(
      frames: 1, crop: 32, widthFactor: 1, depthFactor: 0.4, bottleneckFactor: 1, classes: 5)
    var large = small
    large.batch = 2
    let largeGraph = try LayerGraph(large)
    let execution = try Executor(
      graph: largeGraph, weights: .seeded(largeGraph, seed: 1), backend: ReferenceBackend()
    ).run(try Tensor.uniform(largeGraph.input.outputShape, seed: 1))
    let disagreements = try trafficDisagreements(graph: try LayerGraph(small), tally: execution.tally)
    // Every node but the input reads activations, and every node writes its output.
    #expect(disagreements.count == 2 * execution.tally.nodes.count - 1)
  }
}
