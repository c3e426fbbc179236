import CostModel
import Testing
import X3DModel

/// The fast totals path (identical blocks priced once) must give the same totals, memory included, as walking
/// every block.
struct GranularityTests {
  static let configurations: [ModelConfiguration] = {
    var generator = SplitMix(seed: 7)
    return (0..<60).map { _ in
      try! ModelConfiguration(
        frames: generator.int(1...16), crop: generator.int(24...300), widthFactor: generator.double(0.3...4.5),
        depthFactor: generator.double(0.2...6), bottleneckFactor: generator.double(0.8...4),
        classes: generator.int(1...1000), batch: generator.int(1...4),
        implementation: ImplementationVariant.allCases[generator.int(0...2)])
    }
  }()

  @Test func totalsAgree() throws {
    for configuration in Self.configurations {
      for elementType in ElementType.allCases {
        let fast = try CostReport.totals(configuration, elementType: elementType)
        let full = try CostReport(configuration, elementType: elementType, perLayer: true)
        #expect(fast == full.totals, "\(configuration)")
        let rows = full.layers
        // Rows of repeated blocks are block j−2's rows renumbered: each node must be the one the builder emits
        // node by node (index, path, inputs, shapes, consumers), and each cost what the formula table says.
        #expect(rows.map(\.node) == (try LayerGraph(configuration)).nodes, "\(configuration)")
        // The gradient sums of training_flops from a walk of the full graph of its own (``GradientSums``).
        var sums = GradientSums()
        var formulaRows = 0
        for row in rows
        where try CostFormulas.cost(
          of: row.node, elementType: elementType, readsClip: row.node.inputs.first == 0,
          gradientSums: sums.run(row.node)) == row.cost
        {
          formulaRows += 1
        }
        #expect(formulaRows == rows.count, "\(configuration)")
        #expect(rows.reduce(0) { $0 + $1.cost[.macs] } == fast[.macs])
        #expect(rows.reduce(0) { $0 + $1.cost[.flops] } == fast[.flops])
        #expect(rows.reduce(0) { $0 + $1.cost[.trainingFlops] } == fast[.trainingFlops])
      }
    }
  }

  @Test func countsScaleWithBatch() throws {
    let one = try CostReport.totals(ModelConfiguration(preset: .s))
    let four = try CostReport.totals(ModelConfiguration(preset: .s, batch: 4))
    #expect(four[.macs] == 4 * one[.macs])
    #expect(four[.activations] == 4 * one[.activations])
    #expect(four[.params] == one[.params])
    #expect(four[.inferencePeakBytes] == 4 * one[.inferencePeakBytes])
  }

  @Test func halfPrecisionHalvesMemory() throws {
    let f32 = try CostReport.totals(ModelConfiguration(preset: .m), elementType: .f32)
    let f16 = try CostReport.totals(ModelConfiguration(preset: .m), elementType: .f16)
    #expect(f16[.inferencePeakBytes] * 2 == f32[.inferencePeakBytes])
  }
}

/// A tiny deterministic generator for reproducible random configurations.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func int(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + Int(next() % UInt64(range.count))
  }
  mutating func double(_ range: ClosedRange<Double>) -> Double {
    let unit = Double(next() >> 11) / Double(1 << 53)
    return ((range.lowerBound + unit * (range.upperBound - range.lowerBound)) * 100).rounded() / 100
  }
}
