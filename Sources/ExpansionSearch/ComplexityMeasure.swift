import CostModel

/// The complexity a search controls: a whole-network figure of the cost model.
public enum ComplexityMeasure: String, CaseIterable, Sendable, Codable {
  /// Conv + linear multiply-adds (the paper's "FLOPs"): the default.
  case macs
  /// Parameters, BatchNorm included.
  case params
  /// Full FLOPs.
  case flops
  /// fvcore's figure.
  case fvcore
  case activations
  case inferencePeakBytes = "inference_peak_bytes"
  case trainingActivationBytes = "training_activation_bytes"

  public func value(of totals: CostTotals) -> Int {
    switch self {
    case .macs: totals.macs
    case .params: totals.params
    case .flops: totals.flops
    case .fvcore: totals.fvcoreFlops
    case .activations: totals.activations
    case .inferencePeakBytes: totals.inferencePeakBytes
    case .trainingActivationBytes: totals.trainingActivationBytes
    }
  }
}
