/// Which figure a report leads with. Tools differ by 2× on the same layer, so every headline names its convention.
public enum Convention: String, CaseIterable, Sendable, Codable {
  /// Convolution + linear multiply-adds, what the X3D paper, SlowFast and pytorchvideo call "FLOPs"
  /// (X3D-M: 4.73 G).
  case paper
  /// fvcore's `FlopCountAnalysis` in eval mode: the multiply-adds plus 2 per BatchNorm element (X3D-M: 4.90 G).
  case fvcore
  /// Full floating-point operations: 2 per multiply-add plus every elementwise operation (X3D-M: about 9.6 G).
  case flops

  /// The headline value under this convention.
  public func value(of totals: CostTotals) -> Int {
    switch self {
    case .paper: totals.macs
    case .fvcore: totals.fvcoreFlops
    case .flops: totals.flops
    }
  }

  /// The unit label printed beside the headline.
  public var label: String {
    switch self {
    case .paper: "multiply-adds (conv + linear; the paper's \"FLOPs\")"
    case .fvcore: "fvcore FlopCountAnalysis (MACs + 2·BN elements)"
    case .flops: "full FLOPs (2 per MAC + elementwise)"
    }
  }
}
