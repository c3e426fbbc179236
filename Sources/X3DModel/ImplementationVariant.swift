/// Which code base's X3D is modelled. The three differ only in width rounding, one BatchNorm, and the order in
/// which a residual block evaluates its two branches (which matters for the inference memory peak).
public enum ImplementationVariant: String, CaseIterable, Sendable, Codable {
  /// The 2020 SlowFast release that produced the paper's numbers: width factor applied with
  /// `round_width(x, w, min 8, divisor 8)`, BatchNorm on every projection shortcut.
  case paper
  /// SlowFast since June 2021: width factor applied with `round_width(x, w, min 1, divisor 1)`.
  case slowfast
  /// pytorchvideo `create_x3d`: divisor 8 like the paper, but no shortcut BatchNorm when input and output widths
  /// are equal (res2 block 0), and the shortcut is evaluated before the bottleneck branch.
  case pytorchvideo

  /// Divisor (and minimum) used when the global width factor is applied to stem and stage widths.
  public var widthDivisor: Int {
    switch self {
    case .paper, .pytorchvideo: 8
    case .slowfast: 1
    }
  }

  /// Whether a projection shortcut between equal widths carries a BatchNorm.
  public var hasShortcutNormWhenWidthsEqual: Bool {
    switch self {
    case .paper, .slowfast: true
    case .pytorchvideo: false
    }
  }

  /// Whether block 0 computes its shortcut before its bottleneck branch (pytorchvideo) or after (SlowFast).
  public var evaluatesShortcutFirst: Bool {
    switch self {
    case .paper, .slowfast: false
    case .pytorchvideo: true
    }
  }
}
