import CostModel

/// `totals.training` of the JSON contract (docs/json.md): the training step's multiply-adds and FLOPs (the cost
/// fields `training_*`, grouped), and with `--optimizer`, `--amp` or `--checkpoint` the step's memory
/// (``TrainingStepMemory``, docs/training.md).
struct TrainingJSON: Encodable {
  /// The step's memory parts, bytes, at its own batch and the element type `--amp` sets.
  struct StepMemory: Encodable {
    var optimizer, amp, checkpoint: String
    var element_bytes: Int
    var parameter_bytes, master_weight_bytes, optimizer_state_bytes, gradient_bytes, saved_activation_bytes: Int
    var recomputed_macs: Int
    var peak_bytes, peak_gradient_bytes, peak_saved_bytes, peak_transient_bytes: Int
    var peak_at: String

    init(_ m: TrainingStepMemory) {
      optimizer = m.optimizer.rawValue
      amp = m.precision.rawValue
      checkpoint = m.checkpointing.rawValue
      element_bytes = m.precision.elementType.byteCount
      parameter_bytes = m.parameterBytes
      master_weight_bytes = m.masterWeightBytes
      optimizer_state_bytes = m.optimizerStateBytes
      gradient_bytes = m.gradientBytes
      saved_activation_bytes = m.savedActivationBytes
      recomputed_macs = m.recomputedMACs
      peak_bytes = m.peakBytes
      peak_gradient_bytes = m.peakGradientBytes
      peak_saved_bytes = m.peakSavedBytes
      peak_transient_bytes = m.peakTransientBytes
      peak_at = m.peakAt
    }
  }

  /// Forward multiply-adds (`macs`), their input and weight gradients, their sum (`training_macs`) and the step's
  /// FLOPs (`training_flops`).
  var forward_macs, input_gradient_macs, weight_gradient_macs, macs, flops: Int
  var step_memory: StepMemory?

  init(_ totals: CostTotals, stepMemory: TrainingStepMemory?) {
    forward_macs = totals[.macs]
    input_gradient_macs = totals[.trainingInputGradientMacs]
    weight_gradient_macs = totals[.trainingWeightGradientMacs]
    macs = totals[.trainingMacs]
    flops = totals[.trainingFlops]
    step_memory = stepMemory.map(StepMemory.init)
  }
}
