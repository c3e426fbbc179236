import TestSupport
import Testing
import X3DModel

@testable import ReferenceExecutor

/// Every kernel set this CPU runs (portable always; avx2 or neon where available), held to the reference loops and
/// to each other on shapes that exercise every tail: one frame, crops and widths that are not multiples of eight,
/// channel counts that leave rows outside the six-row tiles.
@Suite("Kernel sets: portable and vector paths against the reference and each other")
struct KernelSetTests {
  static let available = KernelInstructionSet.allCases.filter(\.isAvailable)

  static func shape(_ n: Int, _ c: Int, _ t: Int, _ h: Int, _ w: Int) -> TensorShape {
    TensorShape(batch: n, channels: c, frames: t, height: h, width: w)
  }

  static func depthwise(_ c: Int, stride: Int = 1) -> Convolution {
    Convolution(
      inChannels: c, outChannels: c, kernel: Triple(3, 3, 3), stride: Triple(1, stride, stride), padding: .one,
      groups: c)
  }

  static let convolutions: [FastBackendTests.ConvolutionCase] = [
    .init(
      name: "1×1×1, 1 frame, 5×7 positions (one partial block), 7 rows (tile + 1)", input: shape(1, 3, 1, 5, 7),
      conv: Convolution(inChannels: 3, outChannels: 7)),
    .init(
      name: "1×1×1, 1 input channel, 17 positions, bias", input: shape(2, 1, 1, 1, 17),
      conv: Convolution(inChannels: 1, outChannels: 12, hasBias: true)),
    .init(
      name: "1×1×1, 4 positions (smallest tiled), 5 rows (no full tile)", input: shape(1, 9, 1, 2, 2),
      conv: Convolution(inChannels: 9, outChannels: 5)),
    .init(
      name: "1×1×1 dot products, 17 input channels", input: shape(3, 17, 1, 1, 1),
      conv: Convolution(inChannels: 17, outChannels: 23, hasBias: true)),
    .init(
      name: "1×1×1 dot products, 33 input channels, 2 positions", input: shape(1, 33, 1, 1, 2),
      conv: Convolution(inChannels: 33, outChannels: 6)),
    .init(name: "depthwise 3×3×3, 1 frame, width 1", input: shape(1, 3, 1, 4, 1), conv: depthwise(3)),
    .init(
      name: "depthwise 3×3×3 interleaved, width 9 (a 5-wide block and a 4-wide rest), 11 channels",
      input: shape(1, 11, 2, 3, 9), conv: depthwise(11)),
    .init(
      name: "depthwise 3×3×3 interleaved, width 31 (the widest: six 5-wide blocks and 1)", input: shape(1, 9, 1, 4, 31),
      conv: depthwise(9)),
    .init(
      name: "depthwise 3×3×3, width 32 (the narrowest planar), height 12 (two 5-row blocks and 2 single rows)",
      input: shape(1, 2, 2, 12, 32), conv: depthwise(2)),
    .init(
      name: "depthwise 3×3×3, width 37 (16-wide steps and a 5-wide tail), height 7 (a 5-row block and 2)",
      input: shape(1, 3, 1, 7, 37), conv: depthwise(3)),
    .init(name: "depthwise 3×3×3 interleaved, 1 channel, width 8", input: shape(2, 1, 1, 2, 8), conv: depthwise(1)),
    .init(name: "depthwise 3×3×3, width 33 (16-wide steps and tail)", input: shape(1, 2, 1, 3, 33), conv: depthwise(2)),
    .init(
      name: "depthwise 3×3×3 stride 2, width 35 (16-wide split and tail)", input: shape(1, 3, 2, 5, 35),
      conv: depthwise(3, stride: 2)),
    .init(
      name: "depthwise 3×3×3 stride 2, width 3, height 1", input: shape(1, 4, 3, 1, 3), conv: depthwise(4, stride: 2)),
    .init(
      name: "depthwise 3×3×3 interleaved, height 11 (five 2-row blocks and 1), width 10 (two 5-wide blocks)",
      input: shape(1, 2, 2, 11, 10),
      conv: depthwise(2)),
    .init(
      name: "depthwise 3×3×3 stride 2, height 17 (9 rows: 4 + 4 + 1), width 19", input: shape(2, 3, 1, 17, 19),
      conv: depthwise(3, stride: 2)),
    .init(
      name: "dense 1×3×3 stride 2 (stem), crop 37, 1 frame", input: shape(1, 3, 1, 37, 37),
      conv: Convolution(
        inChannels: 3, outChannels: 7, kernel: Triple(1, 3, 3), stride: Triple(1, 2, 2), padding: Triple(0, 1, 1))),
    .init(
      name: "dense 3×3×3, width 41, bias (gathered panels: two 16-wide runs and 9)", input: shape(1, 2, 2, 3, 41),
      conv: Convolution(inChannels: 2, outChannels: 3, kernel: Triple(3, 3, 3), padding: .one, hasBias: true)),
    .init(
      name: "depthwise 5×1×1 temporal, 1 frame, width 13", input: shape(1, 5, 1, 3, 13),
      conv: Convolution(inChannels: 5, outChannels: 5, kernel: Triple(5, 1, 1), padding: Triple(2, 0, 0), groups: 5)),
    .init(
      name: "depthwise 5×1×1 temporal, 7 frames, 37 positions (a 32-wide step and a tail), bias",
      input: shape(2, 3, 7, 1, 37),
      conv: Convolution(
        inChannels: 3, outChannels: 3, kernel: Triple(5, 1, 1), padding: Triple(2, 0, 0), groups: 3, hasBias: true)),
  ]

  static func random(_ count: Int, seed: UInt64) -> [Float] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in generator.uniform(-1, 1) }
  }

  @Test("the portable set always exists; the best set is available")
  func availability() {
    #expect(KernelInstructionSet.portable.isAvailable)
    #expect(KernelInstructionSet.best.isAvailable)
    #expect(FastBackend(threads: 1, kernels: .portable)?.kernels == .portable)
    for set in KernelInstructionSet.allCases where !set.isAvailable {
      #expect(FastBackend(threads: 1, kernels: set) == nil, "\(set)")
    }
    #if arch(x86_64)
      #expect(!KernelInstructionSet.neon.isAvailable)
    #elseif arch(arm64)
      #expect(KernelInstructionSet.best == .neon)
    #endif
  }

  @Test(
    "convolutions on odd shapes: each set within 1e-4 of the reference and of every other set, counts identical",
    arguments: convolutions)
  func convolution(_ test: FastBackendTests.ConvolutionCase) throws {
    let conv = test.conv
    let x = try Tensor(shape: test.input, scalars: Self.random(try test.input.elementCount(), seed: 21))
    let weights = LayerWeights(
      weight: Self.random(conv.outChannels * conv.inChannels / conv.groups * conv.kernel.volume, seed: 22),
      bias: conv.hasBias ? Self.random(conv.outChannels, seed: 23) : nil)
    var expectedCount = KernelCounter()
    let expected = ReferenceBackend().convolution(x, conv, weights, &expectedCount)
    var outputs: [(KernelInstructionSet, Tensor)] = []
    for set in Self.available {
      for threads in [1, 3] {
        var count = KernelCounter()
        let y = FastBackend(threads: threads, kernels: set)!.convolution(x, conv, weights, &count)
        #expect(y.shape == expected.shape)
        let comparison = FloatComparison(
          "\(test.name) [\(set), \(threads) threads]", observed: y.scalars, expected: expected.scalars)
        #expect(comparison.passes, "\(comparison)")
        #expect(count.withoutActivationReads == expectedCount.withoutActivationReads, "\(set)")
        outputs.append((set, y))
      }
    }
    for (a, b) in zip(outputs, outputs.dropFirst()) {
      let comparison = FloatComparison(
        "\(test.name) [\(a.0) against \(b.0)]", observed: a.1.scalars, expected: b.1.scalars)
      #expect(comparison.passes, "\(comparison)")
    }
  }

  @Test("elementwise kernels at lengths around the vector width", arguments: [1, 7, 8, 9, 17, 64])
  func elementwise(_ length: Int) throws {
    let shape = Self.shape(1, 3, 1, 1, length)
    let x = try Tensor(shape: shape, scalars: Self.random(3 * length, seed: 24).map { $0 * 30 })
    let y = try Tensor(shape: shape, scalars: Self.random(3 * length, seed: 25))
    let gate = try Tensor(shape: Self.shape(1, 3, 1, 1, 1), scalars: [0.5, -2, 3])
    let norm = NormWeights(scale: [0.5, 1, 1.5], shift: [0.1, -0.2, 0], mean: [0.3, 0, -0.1], variance: [0.5, 1, 2])
    func run(_ backend: any ExecutionBackend) -> ([Tensor], KernelCounter) {
      var counter = KernelCounter()
      let outputs = [
        backend.batchNorm(x, norm, &counter), backend.relu(x, &counter), backend.swish(x, &counter),
        backend.sigmoid(x, &counter), backend.globalAveragePool(x, &counter), backend.channelScale(x, gate, &counter),
        backend.add(x, y, &counter),
      ]
      return (outputs, counter)
    }
    let (expected, expectedCount) = run(ReferenceBackend())
    let names = ["bn", "relu", "swish", "sigmoid", "pool", "scale", "add"]
    for set in Self.available {
      let (observed, count) = run(FastBackend(threads: 2, kernels: set)!)
      #expect(count.withoutActivationReads == expectedCount.withoutActivationReads)
      for (name, (o, e)) in zip(names, zip(observed, expected)) {
        #expect(o.shape == e.shape)
        let comparison = FloatComparison(
          "\(name) [\(set)]", observed: o.scalars, expected: e.scalars, relativeTolerance: 2e-6)
        #expect(comparison.passes, "\(comparison)")
      }
    }
  }

  @Test("relu keeps NaN and maps −0 and negatives to zero in every set")
  func reluEdges() throws {
    let x = try Tensor(shape: Self.shape(1, 1, 1, 1, 9), scalars: [.nan, -0.0, -1, 2, -.infinity, .infinity, 0, -3, 4])
    for set in Self.available {
      var counter = KernelCounter()
      let y = FastBackend(threads: 1, kernels: set)!.relu(x, &counter).scalars
      #expect(y[0].isNaN)
      #expect(Array(y[1...]) == [-0.0, 0, 2, 0, .infinity, 0, 0, 4], "\(set)")
    }
  }

  @Test(
    "whole networks on every set: 1 frame, crops 36 and 45; outputs within 1e-4, tallies identical",
    arguments: [(1, 36, ImplementationVariant.pytorchvideo), (2, 45, .slowfast)])
  func network(_ frames: Int, _ crop: Int, _ implementation: ImplementationVariant) throws {
    let configuration = try ModelConfiguration(
      frames: frames, crop: crop, widthFactor: 1.3, depthFactor: 0.3, bottleneckFactor: 1, classes: 5, batch: 1,
      implementation: implementation)
    let graph = try LayerGraph(configuration)
    let weights = ModelWeights.seeded(graph, seed: 31)
    let clip = try Tensor.uniform(graph.input.outputShape, seed: 32)
    let expected = try Executor(graph: graph, weights: weights, backend: ReferenceBackend()).run(clip)
    for set in Self.available {
      let observed = try Executor(graph: graph, weights: weights, backend: FastBackend(threads: 2, kernels: set)!)
        .run(clip)
      let comparison = FloatComparison(
        "logits [\(set)]", observed: observed.logits!.scalars, expected: expected.logits!.scalars)
      #expect(comparison.passes, "\(comparison)")
      for (e, o) in zip(expected.tally.nodes, observed.tally.nodes) {
        #expect(
          e.macs == o.macs && e.parameterCount == o.parameterCount && e.bufferCount == o.bufferCount
            && e.outputElements == o.outputElements && e.liveBytes == o.liveBytes && e.outputShape == o.outputShape,
          "\(e.path) [\(set)]")
      }
    }
  }

  @Test("the portable set matches pytorchvideo's golden passes", arguments: GoldenManifest.cases)
  func portableGolden(_ golden: GoldenManifest.Case) throws {
    try GoldenTests().check(golden, backend: FastBackend(threads: 2, kernels: .portable)!)
  }

  @Test("X3D_KERNELS: a set by name, auto, and a warning naming an unknown or unavailable value")
  func environment() {
    for (value, set) in [(nil, KernelInstructionSet.best), ("", .best), ("auto", .best), ("portable", .portable)] {
      let chosen = KernelInstructionSet.fromEnvironment(value)
      #expect(chosen.0 == set && chosen.warning == nil, "\(value ?? "unset")")
    }
    let unknown = KernelInstructionSet.fromEnvironment("sse9")
    #expect(unknown.0 == .best)
    #expect(
      unknown.warning == "X3D_KERNELS=sse9 is not one of auto, portable, avx2, neon; using \(KernelInstructionSet.best)"
    )
    for set in KernelInstructionSet.allCases where !set.isAvailable {
      let refused = KernelInstructionSet.fromEnvironment(set.rawValue)
      #expect(refused.0 == .best)
      #expect(refused.warning?.contains("X3D_KERNELS=\(set.rawValue)") == true)
    }
  }
}
