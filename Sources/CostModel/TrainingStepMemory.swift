import X3DModel

/// The memory of one training step (forward, loss, backward, optimizer step) under the model of docs/training.md:
/// what is always live (parameters, float32 master weights under mixed precision, optimizer state), and the largest
/// total of what the step allocates over its timeline: saved activations, activation gradients, parameter gradients
/// and the transient buffers of each backward operation.
///
/// The parts are given at the peak, so that they sum to ``peakBytes``; ``gradientBytes`` and
/// ``savedActivationBytes`` are the plain totals (all gradients after backward; everything saved by the forward).
public struct TrainingStepMemory: Hashable, Sendable {
  public var optimizer: TrainingOptimizer
  public var precision: MixedPrecision
  public var checkpointing: Checkpointing

  /// Parameters at the training element type: `P·e`.
  public var parameterBytes = 0
  /// Float32 master weights: `4·P` under mixed precision, else 0.
  public var masterWeightBytes = 0
  /// Optimizer state, float32: `P·4` per state tensor (momentum 1, Adam 2) plus Adam's 4-byte `step` per tensor.
  public var optimizerStateBytes = 0
  /// Every parameter's gradient, at the training element type: `P·e`.
  public var gradientBytes = 0
  /// Bytes the forward pass keeps for backward: autograd's saved tensors, or with checkpointing the segments'
  /// inputs and what lies outside segments.
  public var savedActivationBytes = 0
  /// Forward multiply-adds run again in backward by checkpointed segments.
  public var recomputedMACs = 0

  /// The largest total over the step.
  public var peakBytes = 0
  /// At the peak: parameter gradients already computed.
  public var peakGradientBytes = 0
  /// At the peak: saved activations not yet released.
  public var peakSavedBytes = 0
  /// At the peak: activation gradients and the running operation's new buffers.
  public var peakTransientBytes = 0
  /// Where the peak is reached: a node's path and the pass (`forward`, `backward`, `optimizer step`).
  public var peakAt = ""

  /// The model of a step of `configuration` (its batch; element type from `precision`).
  public init(
    _ configuration: ModelConfiguration, optimizer: TrainingOptimizer, precision: MixedPrecision = .none,
    checkpointing: Checkpointing = .none
  ) throws(ConfigurationError) {
    self.optimizer = optimizer
    self.precision = precision
    self.checkpointing = checkpointing
    let graph = try LayerGraph(configuration)
    var timeline = try TrainingTimeline(
      graph, elementType: precision.elementType, implementation: configuration.implementation,
      checkpointing: checkpointing)
    timeline.run()
    let (parameters, tensors) = (timeline.parameterCount, timeline.parameterTensors)
    let e = precision.elementType.byteCount
    parameterBytes = try Self.product(parameters, e, graph.output)
    gradientBytes = parameterBytes
    masterWeightBytes = try Self.product(parameters, precision.masterBytesPerParameter, graph.output)
    optimizerStateBytes = try Self.sum(
      Self.product(parameters, 4 * optimizer.statePerParameter, graph.output), tensors * optimizer.statePerTensor,
      graph.output)
    savedActivationBytes = timeline.savedBytes
    recomputedMACs = timeline.recomputedMACs
    let always = try Self.sum(
      Self.sum(parameterBytes, masterWeightBytes, graph.output), optimizerStateBytes, graph.output)
    // The optimizer step: activations are gone, every gradient is live.
    var peak = timeline.peak
    peakAt = (peak.backward ? "backward " : "forward ") + graph.nodes[peak.node].path.description
    if gradientBytes > peak.total {
      peak = TrainingTimeline.Peak(total: gradientBytes, gradients: gradientBytes, saved: 0, transient: 0)
      peakAt = "optimizer step"
    }
    peakBytes = try Self.sum(always, peak.total, graph.output)
    peakGradientBytes = peak.gradients
    peakSavedBytes = peak.saved
    peakTransientBytes = peak.transient
  }

  static func sum(_ a: Int, _ b: Int, _ node: LayerNode) throws(ConfigurationError) -> Int {
    try Checked(path: node.path).sum(a, b)
  }

  static func product(_ a: Int, _ b: Int, _ node: LayerNode) throws(ConfigurationError) -> Int {
    try Checked(path: node.path).product(a, b)
  }
}
