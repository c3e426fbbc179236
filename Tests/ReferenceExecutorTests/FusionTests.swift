import TestSupport
import Testing
import X3DModel

@testable import ReferenceExecutor

/// The fast backend's fused groups (``FusionPlan``): which chains fuse, each fused kernel on every kernel set held
/// to the reference nodes it replaces, and whole networks whose tally, row by row and field by field, equals the
/// unfused reference walk.
@Suite("Fusion: BatchNorm folded, epilogues, tallies unchanged")
struct FusionTests {
  static let available = KernelInstructionSet.allCases.filter(\.isAvailable)

  static func shape(_ n: Int, _ c: Int, _ t: Int, _ h: Int, _ w: Int) -> TensorShape {
    TensorShape(batch: n, channels: c, frames: t, height: h, width: w)
  }

  /// A case: a convolution and what follows it.
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var input: TensorShape
    var conv: Convolution
    var norm = true
    var activation = FusedGroup.Activation.relu
    var residual = false
    var testDescription: String { name }
  }

  static func depthwise(_ c: Int, stride: Int = 1) -> Convolution {
    Convolution(
      inChannels: c, outChannels: c, kernel: Triple(3, 3, 3), stride: Triple(1, stride, stride), padding: .one,
      groups: c)
  }

  static let cases: [Case] = [
    Case(
      name: "1×1×1 → BN → ReLU, 13 rows, 37 positions", input: shape(1, 5, 1, 1, 37),
      conv: Convolution(inChannels: 5, outChannels: 13)),
    Case(
      name: "1×1×1 → BN → add → ReLU, 2 samples, 7 rows", input: shape(2, 6, 1, 3, 7),
      conv: Convolution(inChannels: 6, outChannels: 7), residual: true),
    Case(
      name: "1×1×1 → BN → add (no ReLU), 12 rows", input: shape(1, 4, 2, 3, 5),
      conv: Convolution(inChannels: 4, outChannels: 12), activation: .none, residual: true),
    Case(
      name: "1×1×1 dot products with bias → ReLU, no BN", input: shape(2, 17, 1, 1, 1),
      conv: Convolution(inChannels: 17, outChannels: 9, hasBias: true), norm: false),
    Case(
      name: "1×1×1 dot products → BN → add → ReLU", input: shape(1, 9, 1, 1, 3),
      conv: Convolution(inChannels: 9, outChannels: 8), residual: true),
    Case(
      name: "depthwise 3×3×3 interleaved → BN → Swish, height 9, width 13", input: shape(1, 3, 2, 9, 13),
      conv: depthwise(3), activation: .swish),
    Case(
      name: "depthwise 3×3×3 planar → BN → Swish, height 7, width 34", input: shape(1, 2, 2, 7, 34),
      conv: depthwise(2), activation: .swish),
    Case(
      name: "depthwise 3×3×3 stride 2 → BN → Swish", input: shape(1, 2, 3, 11, 17), conv: depthwise(2, stride: 2),
      activation: .swish),
    Case(name: "depthwise 3×3×3 → BN only", input: shape(1, 4, 2, 6, 12), conv: depthwise(4), activation: .none),
    Case(
      name: "depthwise 3×3×3 narrow (channels interleaved) → BN → Swish", input: shape(2, 11, 2, 5, 5),
      conv: depthwise(11), activation: .swish),
    Case(
      name: "depthwise 3×3×3 → BN → add → ReLU (epilogue after the kernel)", input: shape(1, 3, 1, 5, 9),
      conv: depthwise(3), residual: true),
    Case(
      name: "stem 5×1×1 → BN → ReLU", input: shape(1, 6, 3, 4, 11),
      conv: Convolution(inChannels: 6, outChannels: 6, kernel: Triple(5, 1, 1), padding: Triple(2, 0, 0), groups: 6)),
    Case(
      name: "dense 1×3×3 stride 2 → BN → ReLU", input: shape(1, 3, 1, 13, 15),
      conv: Convolution(
        inChannels: 3, outChannels: 5, kernel: Triple(1, 3, 3), stride: Triple(1, 2, 2), padding: Triple(0, 1, 1))),
    Case(
      name: "dense 1×3×3 stride 2 → BN → ReLU, 8 channels (a 6-row tile and 2 rows), width 37",
      input: shape(1, 3, 2, 9, 37),
      conv: Convolution(
        inChannels: 3, outChannels: 8, kernel: Triple(1, 3, 3), stride: Triple(1, 2, 2), padding: Triple(0, 1, 1))),
    Case(
      name: "grouped (reference loops) → BN → Swish", input: shape(1, 4, 1, 4, 4),
      conv: Convolution(inChannels: 4, outChannels: 4, kernel: Triple(1, 3, 3), padding: Triple(0, 1, 1), groups: 2),
      activation: .swish),
  ]

  static func random(_ count: Int, seed: UInt64) -> [Float] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in generator.uniform(-1, 1) }
  }

  @Test("each fused group on every set: within 1e-4 of the reference nodes, counts of each node", arguments: cases)
  func group(_ test: Case) throws {
    let conv = test.conv
    let c = conv.outChannels
    let x = try Tensor(shape: test.input, scalars: Self.random(try test.input.elementCount(), seed: 41))
    let weights = LayerWeights(
      weight: Self.random(c * conv.inChannels / conv.groups * conv.kernel.volume, seed: 42),
      bias: conv.hasBias ? Self.random(c, seed: 43) : nil)
    let norm = NormWeights(
      scale: Self.random(c, seed: 44).map { 1 + 0.5 * $0 }, shift: Self.random(c, seed: 45).map { 0.2 * $0 },
      mean: Self.random(c, seed: 46).map { 0.2 * $0 }, variance: Self.random(c, seed: 47).map { 1 + 0.5 * $0 })

    let reference = ReferenceBackend()
    var counters: [KernelCounter] = [KernelCounter()]
    var expected = reference.convolution(x, conv, weights, &counters[0])
    var roles: [FusedGroup.Role] = [.producer]
    var folded = weights
    if test.norm {
      counters.append(KernelCounter())
      expected = reference.batchNorm(expected, norm, &counters[counters.count - 1])
      roles.append(.batchNorm(channels: c))
      folded = BatchNormFolding(norm, channels: c).apply(to: weights, channels: c)
    }
    var residual: Tensor? = nil
    if test.residual {
      let r = try Tensor(shape: expected.shape, scalars: Self.random(expected.scalars.count, seed: 48))
      residual = r
      counters.append(KernelCounter())
      expected = reference.add(r, expected, &counters[counters.count - 1])
      roles.append(.residualAdd)
    }
    if test.activation != .none {
      counters.append(KernelCounter())
      expected =
        test.activation == .relu
        ? reference.relu(expected, &counters[counters.count - 1])
        : reference.swish(expected, &counters[counters.count - 1])
      roles.append(.activation)
    }
    let group = FusedGroup(
      members: Array(0..<roles.count), roles: roles,
      producer: .convolution(conv, folded, parameters: weights.weight.count + (weights.bias?.count ?? 0)),
      inputs: residual == nil ? [0] : [0, 1], residual: residual == nil ? nil : 1, activation: test.activation)
    for set in Self.available {
      let (observed, observedCounters) = FastBackend(threads: 2, kernels: set)!
        .runFused(group, [x] + (residual.map { [$0] } ?? []))
      #expect(observed.shape == expected.shape)
      let comparison = FloatComparison(
        "\(test.name) [\(set)]", observed: observed.scalars, expected: expected.scalars)
      #expect(comparison.passes, "\(comparison)")
      #expect(observedCounters.map(\.withoutActivationReads) == counters.map(\.withoutActivationReads), "\(set)")
    }
  }

  @Test("SE scale → Swish on every set, rows of 1 to 17 positions")
  func scaleSwish() throws {
    for width in [1, 7, 8, 17] {
      let shape = Self.shape(2, 3, 1, 1, width)
      let x = try Tensor(shape: shape, scalars: Self.random(6 * width, seed: 51).map { $0 * 20 })
      let gate = try Tensor(shape: Self.shape(2, 3, 1, 1, 1), scalars: Self.random(6, seed: 52))
      let reference = ReferenceBackend()
      var (a, b) = (KernelCounter(), KernelCounter())
      let expected = reference.swish(reference.channelScale(x, gate, &a), &b)
      let group = FusedGroup(
        members: [0, 1], roles: [.producer, .activation], producer: .channelScale, inputs: [0, 1], residual: nil,
        activation: .swish)
      for set in Self.available {
        let (observed, counters) = FastBackend(threads: 2, kernels: set)!.runFused(group, [x, gate])
        let comparison = FloatComparison(
          "width \(width) [\(set)]", observed: observed.scalars, expected: expected.scalars, relativeTolerance: 2e-6)
        #expect(comparison.passes, "\(comparison)")
        #expect(counters.map(\.outputElements) == [a.outputElements, b.outputElements])
      }
    }
  }

  /// A case of SE scale → Swish → 1×1×1 convolution → BatchNorm → [add → ReLU].
  struct TransformCase: CustomTestStringConvertible, Sendable {
    var input: TensorShape
    var outChannels: Int
    var residual: Bool
    var testDescription: String { "\(input) → \(outChannels) channels\(residual ? ", add → ReLU" : "")" }
  }

  static let transformCases: [TransformCase] = [
    // 37 positions: two whole blocks and a partial one; 14 rows: two six-row tiles and two single rows.
    TransformCase(input: shape(1, 13, 1, 1, 37), outChannels: 14, residual: true),
    // Two samples (each its own gate), 1 frame, width 9, height 5: 45 positions.
    TransformCase(input: shape(2, 7, 1, 5, 9), outChannels: 6, residual: false),
    // Fewer than 16 positions (one partial block of 5) and fewer than 8.
    TransformCase(input: shape(1, 5, 1, 1, 5), outChannels: 11, residual: true),
    // Fewer than 4 positions: the dot products, on the transformed tensor materialised first.
    TransformCase(input: shape(2, 9, 1, 1, 3), outChannels: 8, residual: true),
    // 319 positions over 30 channels: 20 blocks, two panel groups of at most 12 blocks (24 KB).
    TransformCase(input: shape(1, 30, 1, 11, 29), outChannels: 7, residual: true),
    // 200 channels: one block per panel group; 2 frames of 3 × 7.
    TransformCase(input: shape(1, 200, 2, 3, 7), outChannels: 13, residual: false),
  ]

  @Test(
    "SE scale → Swish → 1×1×1 conv → BN [→ add → ReLU] on every set: within 1e-4 of the unfused nodes, counts of each",
    arguments: transformCases)
  func transformedConvolution(_ test: TransformCase) throws {
    let (n, cin, cout) = (test.input.batch, test.input.channels, test.outChannels)
    let conv = Convolution(inChannels: cin, outChannels: cout)
    let x = try Tensor(shape: test.input, scalars: Self.random(try test.input.elementCount(), seed: 71).map { 6 * $0 })
    let gate = try Tensor(shape: Shapes.squeezed(test.input), scalars: Self.random(n * cin, seed: 72).map { $0 + 0.5 })
    let weights = LayerWeights(weight: Self.random(cout * cin, seed: 73), bias: nil)
    let norm = NormWeights(
      scale: Self.random(cout, seed: 74).map { 1 + 0.5 * $0 }, shift: Self.random(cout, seed: 75).map { 0.2 * $0 },
      mean: Self.random(cout, seed: 76).map { 0.2 * $0 }, variance: Self.random(cout, seed: 77).map { 1 + 0.5 * $0 })
    var output = test.input
    output.channels = cout
    let r = try Tensor(shape: output, scalars: Self.random(try output.elementCount(), seed: 78))

    let reference = ReferenceBackend()
    var counters = [KernelCounter](repeating: KernelCounter(), count: test.residual ? 6 : 4)
    var expected = reference.channelScale(x, gate, &counters[0])
    expected = reference.swish(expected, &counters[1])
    expected = reference.convolution(expected, conv, weights, &counters[2])
    expected = reference.batchNorm(expected, norm, &counters[3])
    var roles: [FusedGroup.Role] = [.inputScale, .inputActivation, .producer, .batchNorm(channels: cout)]
    if test.residual {
      expected = reference.add(r, expected, &counters[4])
      expected = reference.relu(expected, &counters[5])
      roles += [.residualAdd, .activation]
    }
    var group = FusedGroup(
      members: Array(0..<roles.count), roles: roles,
      producer: .convolution(
        conv, BatchNormFolding(norm, channels: cout).apply(to: weights, channels: cout),
        parameters: weights.weight.count),
      inputs: test.residual ? [0, 1, 2] : [0, 1], residual: test.residual ? 2 : nil,
      activation: test.residual ? .relu : .none)
    group.inputActivation = .swish
    for set in Self.available {
      let fast = FastBackend(threads: 2, kernels: set)!
      let (observed, observedCounters) = fast.runFused(group, [x, gate] + (test.residual ? [r] : []))
      #expect(observed.shape == expected.shape)
      let comparison = FloatComparison(
        "\(test.testDescription) [\(set)]", observed: observed.scalars, expected: expected.scalars)
      #expect(comparison.passes, "\(comparison)")
      #expect(observedCounters.map(\.withoutActivationReads) == counters.map(\.withoutActivationReads), "\(set)")
      // The same set unfused: SE scale, Swish, then the convolution group on the materialised tensor.
      var scratch = KernelCounter()
      let swished = fast.swish(fast.channelScale(x, gate, &scratch), &scratch)
      var plain = group
      plain.members.removeFirst(2)
      plain.roles.removeFirst(2)
      plain.inputs = test.residual ? [0, 1] : [0]
      plain.residual = test.residual ? 1 : nil
      plain.inputActivation = nil
      let (unfused, _) = fast.runFused(plain, [swished] + (test.residual ? [r] : []))
      let same = FloatComparison(
        "fused against unfused [\(set)]", observed: observed.scalars, expected: unfused.scalars)
      #expect(same.passes, "\(same)")
    }
  }

  @Test("X3D-XS and M: every SE scale → Swish runs as the input transform of the block's conv c")
  func planOfSqueezeExcitation() throws {
    for preset in [Preset.xs, .m] {
      let graph = try LayerGraph(try ModelConfiguration(preset: preset))
      let plan = FusionPlan(graph, ModelWeights.seeded(graph, seed: 1))
      let scales = graph.nodes.filter { $0.kind == .channelScale }
      #expect(!scales.isEmpty)
      for node in scales {
        let group = plan.groupOf[node.index].map { plan.groups[$0] }
        #expect(group?.roles.prefix(3) == [.inputScale, .inputActivation, .producer], "\(node.path)")
        #expect(group?.inputActivation == .swish, "\(node.path)")
        if let group { #expect(graph.nodes[group.members[2]].path.description.hasSuffix("branch2.c")) }
      }
    }
  }

  @Test("X3D-XS: every BatchNorm, every block's add and every Swish is absorbed; group inputs are materialised")
  func planOfXS() throws {
    let graph = try LayerGraph(try ModelConfiguration(preset: .xs))
    let plan = FusionPlan(graph, ModelWeights.seeded(graph, seed: 1))
    for node in graph.nodes {
      switch node.kind {
      case .batchNorm, .residualAdd, .swish:
        #expect(plan.groupOf[node.index] != nil, "\(node.path)")
      default: break
      }
    }
    for group in plan.groups {
      for source in group.inputs {
        let owner = plan.groupOf[source].map { plan.groups[$0] }
        #expect(owner == nil || owner!.members.last == source, "input \(source) of group \(group.index)")
      }
    }
  }

  @Test(
    "whole networks on every set: tally rows field by field and the peak equal the reference walk",
    arguments: [(1, 36, ImplementationVariant.pytorchvideo, 1), (3, 45, .slowfast, 2), (2, 32, .paper, 1)])
  func network(_ frames: Int, _ crop: Int, _ implementation: ImplementationVariant, _ batch: Int) throws {
    let configuration = try ModelConfiguration(
      frames: frames, crop: crop, widthFactor: 1.3, depthFactor: 0.3, bottleneckFactor: 1, classes: 5, batch: batch,
      implementation: implementation)
    let graph = try LayerGraph(configuration)
    let weights = ModelWeights.seeded(graph, seed: 61)
    let clip = try Tensor.uniform(graph.input.outputShape, seed: 62)
    let expected = try Executor(graph: graph, weights: weights, backend: ReferenceBackend()).run(clip)
    for set in Self.available {
      let executor = Executor(graph: graph, weights: weights, backend: FastBackend(threads: 2, kernels: set)!)
      #expect((executor.fusion?.groups.count ?? 0) > 0)
      let observed = try executor.run(clip)
      let output = FloatComparison(
        "output [\(set)]", observed: observed.output.scalars, expected: expected.output.scalars)
      #expect(output.passes, "\(output)")
      #expect(observed.tally.nodes.count == expected.tally.nodes.count)
      for (e, o) in zip(expected.tally.nodes, observed.tally.nodes) {
        #expect(
          e.index == o.index && e.macs == o.macs && e.parameterCount == o.parameterCount
            && e.bufferCount == o.bufferCount && e.outputElements == o.outputElements
            && e.activationCount == o.activationCount && e.liveBytes == o.liveBytes && e.bytesWritten == o.bytesWritten
            && e.outputShape == o.outputShape, "\(e.path) [\(set)]")
      }
      #expect(expected.tally.peakLiveBytes == observed.tally.peakLiveBytes)
    }
  }
}
