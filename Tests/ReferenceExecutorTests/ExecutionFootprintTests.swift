import ReferenceExecutor
import Testing
import X3DModel

/// The footprint `run` checks before allocating is what the executor then holds.
@Suite("Execution footprint")
struct ExecutionFootprintTests {
  @Test(
    "peak activations equal the executor's own peak of live bytes",
    arguments: [(1, 32, 1), (2, 48, 2), (4, 32, 3)])
  func matchesTheExecutor(_ frames: Int, _ crop: Int, _ batch: Int) throws {
    let configuration = try ModelConfiguration(
      frames: frames, crop: crop, widthFactor: 1, depthFactor: 0.4, bottleneckFactor: 0.5, classes: 7,
      batch: batch, implementation: .pytorchvideo)
    let graph = try LayerGraph(configuration)
    let footprint = try ExecutionFootprint(graph)
    let weights = ModelWeights.seeded(graph, seed: 2)
    let clip = try Tensor.uniform(graph.input.outputShape, seed: 2)
    let execution = try Executor(graph: graph, weights: weights, backend: ReferenceBackend()).run(clip)
    #expect(footprint.peakActivationBytes == execution.tally.peakLiveBytes)
    #expect(footprint.clipBytes == 4 * batch * 3 * frames * crop * crop)
    #expect(footprint.weightBytes == 4 * ParameterLayout(graph).slots.reduce(0) { $0 + $1.elementCount })
    #expect(footprint.totalBytes == footprint.weightBytes + footprint.peakActivationBytes)
  }

  @Test("a batch of 2^30 is sized without allocating, and a batch beyond 64 bits of bytes is an error")
  func huge() throws {
    let base = try ModelConfiguration(frames: 1, crop: 112, widthFactor: 2, depthFactor: 1, bottleneckFactor: 2.25)
    var configuration = base
    configuration.batch = 1 << 30
    let footprint = try ExecutionFootprint(LayerGraph(configuration))
    #expect(footprint.clipBytes == 4 * (1 << 30) * 3 * 112 * 112)
    configuration.batch = 1 << 30
    configuration.crop = 1 << 20
    #expect(throws: (any Error).self) { try ExecutionFootprint(LayerGraph(configuration)) }
  }
}
