import CostModel
import Testing
import X3DModel

/// The cost-field table and the schedule: the invariants everything that derives from them relies on.
struct CostFieldTests {
  @Test func everyFieldHasALaneAndAUniqueName() {
    #expect(CostField.allCases.count <= CostVector.laneCount)
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

  @Test func vectorsAddLaneByLaneAndReportOverflow() {
    var a = CostVector()
    var b = CostVector()
    for (offset, field) in CostField.allCases.enumerated() {
      a[field] = offset
      b[field] = 10 * offset
    }
    var sum = a
    let added = sum.add(b, copies: 3)
    #expect(added)
    for (offset, field) in CostField.allCases.enumerated() { #expect(sum[field] == offset + 30 * offset) }
    var unchecked = a
    unchecked.addUnchecked(b, copies: 3)
    #expect(unchecked == sum)
    #expect(sum.largestCount == 31 * (CostField.allCases.count - 1))
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
