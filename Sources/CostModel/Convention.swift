/// Which figure a report leads with. Tools differ by 2× on the same layer, so every headline names its convention.
public enum Convention: String, CaseIterable, Sendable, Codable {
  /// Convolution + linear multiply-adds, what the X3D paper, SlowFast and pytorchvideo call "FLOPs"
  /// (X3D-M: 4.73 G).
  case paper
  /// fvcore's `FlopCountAnalysis` in eval mode: the multiply-adds plus 2 per BatchNorm element (X3D-M: 4.90 G).
  case fvcore
  /// Full floating-point operations: 2 per multiply-add plus every elementwise operation (X3D-M: about 9.6 G).
  case flops

  /// The field this convention leads with.
  public var field: CostField {
    switch self {
    case .paper: .macs
    case .fvcore: .fvcoreFlops
    case .flops: .flops
    }
  }

  /// The headline value under this convention.
  public func value(of totals: CostTotals) -> Int { totals[field] }

  /// The unit label printed beside the headline.
  public var label: String { field.label }
}
