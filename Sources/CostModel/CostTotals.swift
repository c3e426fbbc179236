/// Whole-network figures for one configuration at its batch. Field names are the JSON contract.
public struct CostTotals: Hashable, Sendable, Codable {
  /// Convolution + linear multiply-adds: the paper's "FLOPs".
  public var macs = 0
  public var convMacs = 0
  public var linearMacs = 0
  /// Parameters, BatchNorm's γ and β included (SlowFast's and pytorchvideo's model zoos).
  public var params = 0
  /// Parameters without BatchNorm (the paper's tables).
  public var paramsNoBN = 0
  /// Elements normalised by BatchNorm layers.
  public var bnElements = 0
  /// fvcore's `ActivationCountAnalysis`: convolution and linear output elements.
  public var activations = 0
  /// Full FLOPs: 2 per multiply-add plus elementwise work (docs/conventions.md).
  public var flops = 0
  /// Inference peak of live tensors, bytes.
  public var inferencePeakBytes = 0
  /// Bytes autograd saves for backward in one training forward pass.
  public var trainingActivationBytes = 0

  public init() {}

  /// fvcore's `FlopCountAnalysis` total in eval mode: MACs + 2·BN elements.
  public var fvcoreFlops: Int { macs + 2 * bnElements }

  enum CodingKeys: String, CodingKey {
    case macs, convMacs = "conv_macs", linearMacs = "linear_macs", params, paramsNoBN = "params_no_bn"
    case bnElements = "bn_elements", activations, flops, inferencePeakBytes = "inference_peak_bytes"
    case trainingActivationBytes = "training_activation_bytes"
  }
}
