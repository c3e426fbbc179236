import X3DModel

/// What one node costs, for one copy of it, at the configuration's batch. All integer counts.
public struct LayerCost: Hashable, Sendable {
  /// Multiply-adds of a convolution (one fused multiply-add = one MAC; taps on zero padding count).
  public var convolutionMACs = 0
  /// Multiply-adds of a linear layer, at every position.
  public var linearMACs = 0
  /// Learnable parameters, BatchNorm's γ and β included (running statistics are buffers, not parameters).
  public var parameterCount = 0
  /// BatchNorm's γ and β alone.
  public var batchNormParameterCount = 0
  /// Elements a BatchNorm normalises (its input); fvcore charges 2 FLOPs for each in eval mode.
  public var batchNormElements = 0
  /// Elements written to the output tensor.
  public var outputElements = 0
  /// fvcore's `ActivationCountAnalysis`: output elements of convolutions and linear layers only.
  public var fvcoreActivationCount = 0
  /// Full floating-point operations: 2 per multiply-add plus the elementwise work (docs/conventions.md).
  public var fullFlops = 0

  public init() {}

  /// Convolution plus linear multiply-adds: what the paper calls "FLOPs".
  public var macs: Int { convolutionMACs + linearMACs }
}
