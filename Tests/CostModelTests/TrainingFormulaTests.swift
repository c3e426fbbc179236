import CostModel
import Foundation
import TestSupport
import Testing
import X3DModel

/// The training formulas: closed forms per kind, the sums over a graph, and the committed PyTorch count
/// (tools/gen_training_flops.py: FlopCounterMode with the grouped convolution backward corrected).
struct TrainingFormulaTests {
  struct Case: Decodable, Sendable {
    var impl: String
    var frames, crop, classes, batch: Int
    var width_factor, depth_factor, bottleneck_factor: Double
    var forward_macs, input_gradient_macs, weight_gradient_macs: Int
    var corrected_total_flops, flop_counter_total_flops: Int
    var by_node: [String: NodeCounts]
  }

  struct NodeCounts: Decodable {
    var forward_macs, input_gradient_macs, weight_gradient_macs: Int
  }

  @Test(
    "multiply-adds agree exactly, in total and node by node, with PyTorch's corrected count on three implementations")
  func pytorchFixture() throws {
    let fixture = try FixtureManifest<Case>.load("training_flops.json", format: "x3d-training-flops", version: 1)
    #expect(Set(fixture.cases.map(\.impl)) == ["paper", "slowfast", "pytorchvideo"])
    #expect(fixture.cases.count >= 12)
    var mismatches = Mismatches()
    for c in fixture.cases {
      let implementation = try #require(ImplementationVariant(rawValue: c.impl))
      let configuration = try ModelConfiguration(
        frames: c.frames, crop: c.crop, widthFactor: c.width_factor, depthFactor: c.depth_factor,
        bottleneckFactor: c.bottleneck_factor, classes: c.classes, batch: c.batch, implementation: implementation)
      let label =
        "\(c.impl) T\(c.frames) S\(c.crop) w\(c.width_factor) d\(c.depth_factor) b\(c.bottleneck_factor)"
        + " K\(c.classes) N\(c.batch)"
      let totals = try TrainingTotals(configuration).cost
      mismatches.expect(totals.forwardMACs, c.forward_macs, "\(label) forward")
      mismatches.expect(totals.inputGradientMACs, c.input_gradient_macs, "\(label) input gradient")
      mismatches.expect(totals.weightGradientMACs, c.weight_gradient_macs, "\(label) weight gradient")
      mismatches.expect(2 * totals.macs, c.corrected_total_flops, "\(label) corrected FlopCounterMode total")
      // Node by node: every convolution and linear layer, under its SlowFast path.
      let graph = try LayerGraph(configuration)
      var seen: Set<String> = []
      for (node, row) in zip(graph.nodes, try TrainingTotals.rows(graph)) {
        switch node.kind {
        case .convolution, .linear:
          let name = node.path.description
          seen.insert(name)
          guard let counts = c.by_node[name] else {
            mismatches.expect(-1, 0, "\(label) \(name) missing from the fixture")
            continue
          }
          mismatches.expect(row.forwardMACs, counts.forward_macs, "\(label) \(name) forward")
          mismatches.expect(row.inputGradientMACs, counts.input_gradient_macs, "\(label) \(name) input gradient")
          mismatches.expect(row.weightGradientMACs, counts.weight_gradient_macs, "\(label) \(name) weight gradient")
        default:
          break
        }
      }
      #expect(seen == Set(c.by_node.keys), "\(label): the fixture's nodes are the graph's convolutions and linears")
      // The uncorrected count is larger wherever a grouped convolution's weight gradient is counted.
      #expect(c.flop_counter_total_flops > c.corrected_total_flops, "\(label)")
    }
    #expect(mismatches.isEmpty, "\(mismatches.report)\nRegenerate with: \(fixture.regenerate)")
  }

  static let configurations: [ModelConfiguration] = {
    var list: [ModelConfiguration] = []
    for preset in [Preset.xs, .m, .xl] {
      for implementation in ImplementationVariant.allCases {
        list.append(try! ModelConfiguration(preset: preset, batch: 3, implementation: implementation))
      }
    }
    return list
  }()

  @Test("the graph's rows sum to the totals of the sink")
  func rowsSumToTotals() throws {
    for configuration in Self.configurations {
      let graph = try LayerGraph(configuration)
      let rows = try TrainingTotals.rows(graph)
      let totals = try TrainingTotals(configuration).cost
      #expect(rows.reduce(0) { $0 + $1.forwardMACs } == totals.forwardMACs)
      #expect(rows.reduce(0) { $0 + $1.inputGradientMACs } == totals.inputGradientMACs)
      #expect(rows.reduce(0) { $0 + $1.weightGradientMACs } == totals.weightGradientMACs)
      #expect(rows.reduce(0) { $0 + $1.forwardElementwiseFlops } == totals.forwardElementwiseFlops)
      #expect(rows.reduce(0) { $0 + $1.backwardElementwiseFlops } == totals.backwardElementwiseFlops)
      // Forward multiply-adds are the inference ones.
      #expect(totals.forwardMACs == (try CostReport.totals(configuration))[.macs])
    }
  }

  @Test("training_flops: per node as TrainingTotals' rows, summed as both totals paths and TrainingTotals")
  func trainingFlopsField() throws {
    var generator = SplitMix(seed: 12)
    var configurations = Self.configurations
    for _ in 0..<40 {
      configurations.append(
        try ModelConfiguration(
          frames: generator.int(1...16), crop: generator.int(24...300), widthFactor: generator.double(0.3...4.5),
          depthFactor: generator.double(0.2...6), bottleneckFactor: generator.double(0.8...4),
          classes: generator.int(1...1000), batch: generator.int(1...4),
          implementation: ImplementationVariant.allCases[generator.int(0...2)]))
    }
    var evaluator = TotalsEvaluator()
    for configuration in configurations {
      let report = try CostReport(configuration, perLayer: true)
      let rows = try TrainingTotals.rows(try LayerGraph(configuration))
      #expect(report.layers.count == rows.count)
      #expect(
        zip(report.layers, rows).allSatisfy {
          $0.cost[.trainingFlops] == $1.flops && $0.cost[.trainingMacs] == $1.macs
        }, "\(configuration)")
      let independent = try TrainingTotals(configuration).cost.flops
      #expect(report.layers.reduce(0) { $0 + $1.cost[.trainingFlops] } == independent, "\(configuration)")
      #expect(report.totals[.trainingFlops] == independent)
      #expect(try CostReport.totals(configuration)[.trainingFlops] == independent, "\(configuration)")
      #expect(try evaluator.totals(configuration)[.trainingFlops] == independent, "\(configuration)")
    }
    // X3D-M, batch 1 (docs/training.md).
    #expect(try CostReport.totals(ModelConfiguration(preset: .m))[.trainingFlops] == 30_137_291_172)
  }

  @Test("every gradient is as large as its forward, except the clip's, which is not computed")
  func closedForm() throws {
    let configuration = try ModelConfiguration(preset: .m)
    let graph = try LayerGraph(configuration)
    let rows = try TrainingTotals.rows(graph)
    let stem = graph.nodes[1]
    #expect(stem.path.description == "s1.pathway0_stem.conv_xy")
    #expect(rows[1].inputGradientMACs == 0 && rows[1].weightGradientMACs == rows[1].forwardMACs)
    // conv_xy: 24 output channels, 3·1·3·3 taps, 16×112×112 positions.
    #expect(rows[1].forwardMACs == 24 * 27 * 16 * 112 * 112)
    let totals = try TrainingTotals(configuration).cost
    #expect(totals.forwardMACs == 4_732_468_736)
    #expect(totals.macs == 3 * 4_732_468_736 - rows[1].forwardMACs)
    print(
      "X3D-M batch 1 training step: forward \(totals.forwardMACs), input gradient \(totals.inputGradientMACs), "
        + "weight gradient \(totals.weightGradientMACs) MACs; flops \(totals.flops) (elementwise forward "
        + "\(totals.forwardElementwiseFlops), backward \(totals.backwardElementwiseFlops))")
    for (node, row) in zip(graph.nodes, rows) {
      switch node.kind {
      case .convolution(let conv) where conv.groups > 1:
        // Depthwise: per group Cin/g = 1 input channel; the weight gradient is the forward's taps, not g× more.
        let positions = node.outputShape.positions * node.outputShape.batch
        #expect(row.weightGradientMACs == conv.outChannels * conv.kernel.volume * positions)
      case .batchNorm:
        let elements = try node.inputShape.elementCount()
        #expect(row.forwardElementwiseFlops == 6 * elements)
        // A BatchNorm reads a convolution's output, which nothing else reads: no gradient sums.
        #expect(row.backwardElementwiseFlops == 11 * elements)
      default:
        break
      }
    }
  }

  @Test(
    "elementwise rows per kind",
    arguments: [
      (LayerKind.relu, 1, 1), (.swish, 5, 9), (.sigmoid, 4, 3), (.channelScale, 1, 3), (.residualAdd, 1, 0),
      (.softmax, 5, 4), (.globalAveragePool, 1, 1),
    ])
  func elementwise(_ kind: LayerKind, _ forward: Int, _ backward: Int) throws {
    let shape = TensorShape(batch: 2, channels: 5, frames: 3, height: 4, width: 7)
    for (consumers, sums) in [(1, 0), (2, 0), (1, 840), (3, 1680)] {
      let node = LayerNode(
        index: 4, path: NodePath(stage: .head, component: .softmax), kind: kind, inputs: .one(3), inputShape: shape,
        outputShape: shape, consumerCount: consumers, repeatCount: 1)
      let cost = try TrainingFormulas.cost(of: node, inputNeedsGradient: true, gradientSums: sums)
      #expect(cost.forwardElementwiseFlops == forward * 840)
      // The gradient sums are the reader's, whatever the node's own readers.
      #expect(cost.backwardElementwiseFlops == backward * 840 + sums)
      #expect(cost.macs == 0)
      let flops = try TrainingFormulas.flops(of: node, input: 840, output: 840, trainingMACs: 0, gradientSums: sums)
      #expect(flops == cost.flops)
    }
  }

  @Test("a count beyond 64 bits throws, naming the node")
  func overflow() throws {
    let huge = TensorShape(batch: 1 << 20, channels: 1 << 20, frames: 1 << 20, height: 1, width: 1)
    let node = LayerNode(
      index: 1, path: NodePath(stage: .head, component: .conv5), kind: .batchNorm, inputs: .one(0),
      inputShape: huge, outputShape: huge, consumerCount: 1, repeatCount: 1)
    #expect(throws: ConfigurationError.self) {
      try TrainingFormulas.cost(of: node, inputNeedsGradient: true, gradientSums: 0)
    }
  }
}
