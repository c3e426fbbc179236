import CostModel
import Testing
import X3DModel

/// The cost-field table and the schedule: the invariants everything that derives from them relies on.
struct CostFieldTests {
  @Test func everyStoredFieldHasItsOwnLaneAndAUniqueName() {
    #expect(CostField.stored.map { $0.lane! } == Array(0..<CostField.stored.count))
    #expect(CostField.stored.count <= CostVector.laneCount)
    #expect(CostField.stored.count + CostField.derived.count == CostField.allCases.count)
    #expect(Set(CostField.allCases.map(\.name)).count == CostField.allCases.count)
    for field in CostField.allCases { #expect(CostField(name: field.name) == field) }
    #expect(CostField(name: "fvcore") == nil)
  }

  @Test func theTableMatchesTheStoreAndTheJSONContract() {
    #expect(
      CostField.networkTotals.map(\.name) == [
        "macs", "conv_macs", "linear_macs", "fvcore_flops", "flops", "params", "params_no_bn", "bn_elements",
        "activations", "inference_peak_bytes", "training_activation_bytes", "bytes_read", "bytes_written",
        "training_macs", "training_input_gradient_macs", "training_weight_gradient_macs", "training_flops",
      ])
    #expect(
      CostField.perLayer.map(\.name) == [
        "macs", "flops", "params", "bn_elements", "activations", "output_elements", "bytes_read", "bytes_written",
        "training_macs", "training_input_gradient_macs", "training_weight_gradient_macs", "training_flops",
      ])
    #expect(CostField.peaks == [.inferencePeakBytes])
  }

  /// A derived field reads as the sum of its terms, in every vector, and no two derived fields are alike.
  @Test func derivedFieldsAreTheSumsTheTableStates() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<100 {
      var vector = CostVector()
      for field in CostField.stored { vector[field] = Int.random(in: 0..<(1 << 40), using: &generator) }
      // linear_macs = macs − conv_macs must be a count: conv_macs is a part of macs.
      vector[.convMacs] = Int.random(in: 0...vector[.macs], using: &generator)
      for field in CostField.derived {
        let terms = field.derivation!
        #expect(terms.allSatisfy { $0.field.lane != nil })
        #expect(vector[field] == terms.reduce(0) { $0 + $1.coefficient * vector[$1.field] }, "\(field.name)")
      }
      #expect(vector.derivedFieldsFit)
    }
    #expect(CostField.derived == [.linearMacs, .fvcoreFlops, .trainingMacs])
    var huge = CostVector()
    huge[.bnElements] = Int.max / 2 + 1
    #expect(!huge.derivedFieldsFit, "fvcore_flops = macs + 2·bn_elements overflows")
  }

  @Test func vectorsAddLaneByLaneAndReportOverflow() {
    var a = CostVector()
    var b = CostVector()
    for (offset, field) in CostField.stored.enumerated() {
      a[field] = offset
      b[field] = 10 * offset
    }
    var sum = a
    let added = sum.add(b, copies: 3)
    #expect(added)
    for (offset, field) in CostField.stored.enumerated() { #expect(sum[field] == offset + 30 * offset) }
    var unchecked = a
    unchecked.addUnchecked(b, copies: 3)
    #expect(unchecked == sum)
    #expect(sum.largestCount == 31 * (CostField.stored.count - 1))
    var big = CostVector()
    big[.flops] = Int.max / 2 + 1
    var overflowing = big
    let doubled = overflowing.add(big, copies: 1)
    #expect(!doubled)
    #expect(overflowing == big, "a refused sum leaves the vector unchanged")
    let scaled = overflowing.add(a, copies: Int.max)
    #expect(!scaled)
  }

  @Test func theScheduleIsConsistent() {
    #expect(Schedule.stageCount == X3DArchitecture.baseBlocks.count)
    #expect(Schedule.slots.count == Schedule.slotCount)
    for (position, slot) in Schedule.slots.enumerated() {
      #expect(Schedule.position(of: slot) == position)
      if let source = Schedule.source(of: slot) { #expect(Schedule.position(of: source) < position) }
    }
    // Copies of the distinct blocks add up to the stage's blocks; block j ≥ 3 repeats j − 2, of the same kind.
    for blocks in 1...40 {
      #expect((0..<3).map { Schedule.copies(ofDistinctBlock: $0, inStageOf: blocks) }.reduce(0, +) == blocks)
      for block in 0..<blocks {
        if let original = Schedule.repeatedBlock(of: block) {
          #expect(Schedule.distinctBlock(of: original) == Schedule.distinctBlock(of: block))
          #expect(original == block - 2)
        }
      }
    }
  }
}
