import ReferenceExecutor
import TestSupport
import Testing
import X3DModel

/// The fast backend held to the reference loops, kernel by kernel and on whole networks.
@Suite("Fast backend against the reference")
struct FastBackendTests {
  struct ConvolutionCase: CustomTestStringConvertible, Sendable {
    var name: String
    var input: TensorShape
    var conv: Convolution
    var testDescription: String { name }
  }

  static func shape(_ n: Int, _ c: Int, _ t: Int, _ h: Int, _ w: Int) -> TensorShape {
    TensorShape(batch: n, channels: c, frames: t, height: h, width: w)
  }

  static let convolutions: [ConvolutionCase] = [
    ConvolutionCase(
      name: "1×1×1, 6-row tiles, 16-column tiles", input: shape(1, 24, 2, 8, 8),
      conv: Convolution(inChannels: 24, outChannels: 54)),
    ConvolutionCase(
      name: "1×1×1, odd rows and columns", input: shape(2, 7, 3, 5, 7),
      conv: Convolution(inChannels: 7, outChannels: 13)),
    ConvolutionCase(
      name: "1×1×1, stride 2, odd size", input: shape(1, 12, 2, 9, 11),
      conv: Convolution(inChannels: 12, outChannels: 20, stride: Triple(1, 2, 2))),
    ConvolutionCase(
      name: "1×1×1 at one position with bias (SE)", input: shape(2, 40, 1, 1, 1),
      conv: Convolution(inChannels: 40, outChannels: 9, hasBias: true)),
    ConvolutionCase(
      name: "1×1×1 at three positions", input: shape(1, 33, 1, 1, 3), conv: Convolution(inChannels: 33, outChannels: 17)
    ),
    ConvolutionCase(
      name: "depthwise 3×3×3 stride 1", input: shape(1, 10, 3, 9, 13),
      conv: Convolution(inChannels: 10, outChannels: 10, kernel: Triple(3, 3, 3), padding: .one, groups: 10)),
    ConvolutionCase(
      name: "depthwise 3×3×3 stride 2, odd size", input: shape(2, 6, 2, 11, 17),
      conv: Convolution(
        inChannels: 6, outChannels: 6, kernel: Triple(3, 3, 3), stride: Triple(1, 2, 2), padding: .one, groups: 6)),
    ConvolutionCase(
      name: "depthwise 3×3×3 narrow plane, channels interleaved, partial group, bias", input: shape(2, 19, 3, 5, 7),
      conv: Convolution(
        inChannels: 19, outChannels: 19, kernel: Triple(3, 3, 3), padding: .one, groups: 19, hasBias: true)),
    ConvolutionCase(
      name: "depthwise 3×3×3, T 1, 1×1 plane", input: shape(1, 5, 1, 1, 1),
      conv: Convolution(inChannels: 5, outChannels: 5, kernel: Triple(3, 3, 3), padding: .one, groups: 5)),
    ConvolutionCase(
      name: "depthwise 5×1×1 temporal (stem)", input: shape(1, 8, 4, 6, 10),
      conv: Convolution(inChannels: 8, outChannels: 8, kernel: Triple(5, 1, 1), padding: Triple(2, 0, 0), groups: 8)),
    ConvolutionCase(
      name: "dense 1×3×3 stride 2 (stem), odd crop", input: shape(2, 3, 2, 15, 21),
      conv: Convolution(
        inChannels: 3, outChannels: 16, kernel: Triple(1, 3, 3), stride: Triple(1, 2, 2), padding: Triple(0, 1, 1))),
    ConvolutionCase(
      name: "dense 3×3×3 with bias", input: shape(1, 4, 3, 7, 9),
      conv: Convolution(inChannels: 4, outChannels: 5, kernel: Triple(3, 3, 3), padding: .one, hasBias: true)),
    ConvolutionCase(
      name: "grouped (fallback to the reference)", input: shape(1, 8, 2, 5, 5),
      conv: Convolution(inChannels: 8, outChannels: 8, kernel: Triple(1, 3, 3), padding: Triple(0, 1, 1), groups: 2)),
  ]

  static func random(_ count: Int, seed: UInt64) -> [Float] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in generator.uniform(-1, 1) }
  }

  @Test("convolutions: every element within 1e-4 relative, identical counts", arguments: convolutions)
  func convolution(_ test: ConvolutionCase) throws {
    let conv = test.conv
    let x = try Tensor(shape: test.input, scalars: Self.random(try test.input.elementCount(), seed: 1))
    let weights = LayerWeights(
      weight: Self.random(conv.outChannels * conv.inChannels / conv.groups * conv.kernel.volume, seed: 2),
      bias: conv.hasBias ? Self.random(conv.outChannels, seed: 3) : nil)
    var expectedCount = KernelCounter()
    var observedCount = KernelCounter()
    let expected = ReferenceBackend().convolution(x, conv, weights, &expectedCount)
    let observed = FastBackend(threads: 2).convolution(x, conv, weights, &observedCount)
    #expect(observed.shape == expected.shape)
    let comparison = FloatComparison(
      test.name, observed: observed.scalars, expected: expected.scalars)
    #expect(comparison.passes, "\(comparison)")
    #expect(observedCount.withoutActivationReads == expectedCount.withoutActivationReads)
  }

  @Test("elementwise kernels, with row tails")
  func elementwise() throws {
    let shape = Self.shape(2, 3, 1, 3, 7)
    let x = try Tensor(shape: shape, scalars: Self.random(126, seed: 4).map { $0 * 30 })
    let gate = try Tensor(shape: Self.shape(2, 3, 1, 1, 1), scalars: Self.random(6, seed: 5))
    let norm = NormWeights(
      scale: [0.5, 1, 1.5], shift: [0.1, -0.2, 0], mean: [0.3, 0, -0.1], variance: [0.5, 1, 2])
    let reference = ReferenceBackend()
    let fast = FastBackend(threads: 2)
    var (a, b) = (KernelCounter(), KernelCounter())
    let pairs: [(String, Tensor, Tensor)] = [
      ("bn", reference.batchNorm(x, norm, &a), fast.batchNorm(x, norm, &b)),
      ("relu", reference.relu(x, &a), fast.relu(x, &b)),
      ("swish", reference.swish(x, &a), fast.swish(x, &b)),
      ("sigmoid", reference.sigmoid(x, &a), fast.sigmoid(x, &b)),
      ("pool", reference.globalAveragePool(x, &a), fast.globalAveragePool(x, &b)),
      ("scale", reference.channelScale(x, gate, &a), fast.channelScale(x, gate, &b)),
      ("add", reference.add(x, gate.shape == x.shape ? gate : x, &a), fast.add(x, x, &b)),
    ]
    for (name, expected, observed) in pairs {
      let comparison = FloatComparison(
        name, observed: observed.scalars, expected: expected.scalars, relativeTolerance: 2e-6)
      #expect(comparison.passes, "\(comparison)")
    }
    #expect(a.withoutActivationReads == b.withoutActivationReads)
  }

  @Test(
    "whole networks: outputs within 1e-4, tallies identical",
    arguments: [
      (1, 32, 1.0, 0.4, ImplementationVariant.pytorchvideo, 1), (3, 45, 2.0, 0.3, .paper, 2),
      (2, 40, 1.3, 0.3, .slowfast, 1),
    ])
  func network(
    _ frames: Int, _ crop: Int, _ width: Double, _ depth: Double, _ implementation: ImplementationVariant, _ batch: Int
  ) throws {
    let configuration = try ModelConfiguration(
      frames: frames, crop: crop, widthFactor: width, depthFactor: depth, bottleneckFactor: 1, classes: 7,
      batch: batch, implementation: implementation)
    let graph = try LayerGraph(configuration)
    let weights = ModelWeights.seeded(graph, seed: 11)
    let clip = try Tensor.uniform(graph.input.outputShape, seed: 12)
    let expected = try Executor(graph: graph, weights: weights, backend: ReferenceBackend()).run(clip)
    let observed = try Executor(graph: graph, weights: weights, backend: FastBackend(threads: 2)).run(clip)
    let comparison = FloatComparison("logits", observed: observed.logits!.scalars, expected: expected.logits!.scalars)
    #expect(comparison.passes, "\(comparison)")
    let output = FloatComparison("output", observed: observed.output.scalars, expected: expected.output.scalars)
    #expect(output.passes, "\(output)")
    for (e, o) in zip(expected.tally.nodes, observed.tally.nodes) {
      #expect(
        e.macs == o.macs && e.parameterCount == o.parameterCount && e.outputElements == o.outputElements
          && e.liveBytes == o.liveBytes && e.outputShape == o.outputShape, "\(e.path)")
    }
    #expect(expected.tally.peakLiveBytes == observed.tally.peakLiveBytes)
  }
}
