/// The published X3D models, with the exact hyperparameters of their SlowFast configs (x3d-reference.md §1).
public enum Preset: String, CaseIterable, Sendable, Codable {
  case x2d, xs, s, m, l, xl

  /// Clip length `T` (`DATA.NUM_FRAMES`).
  public var frames: Int {
    switch self {
    case .x2d: 1
    case .xs: 4
    case .s: 13
    case .m, .l, .xl: 16
    }
  }

  /// Stride between sampled frames (`DATA.SAMPLING_RATE`); γτ.
  public var samplingRate: Double {
    switch self {
    case .x2d: 1
    case .xs: 12
    case .s: 6
    case .m, .l, .xl: 5
    }
  }

  /// Train crop (`DATA.TRAIN_CROP_SIZE`), carried explicitly: the published crops are not 112·γs.
  public var crop: Int {
    switch self {
    case .x2d: 112
    case .xs, .s: 160
    case .m: 224
    case .l, .xl: 312
    }
  }

  /// The 3-crop test size of the paper's multi-view testing (nil for X2D).
  public var testCrop: Int? {
    switch self {
    case .x2d: nil
    case .xs, .s: 182
    case .m: 256
    case .l, .xl: 356
    }
  }

  /// `X3D.WIDTH_FACTOR` (XL's 2.9 is the code's factor, γw = 1.45).
  public var widthFactor: Double { self == .xl ? 2.9 : 2.0 }

  /// `X3D.DEPTH_FACTOR`.
  public var depthFactor: Double {
    switch self {
    case .x2d: 1.0
    case .xs, .s, .m: 2.2
    case .l, .xl: 5.0
    }
  }

  /// `X3D.BOTTLENECK_FACTOR`.
  public var bottleneckFactor: Double { self == .x2d ? 1.0 : 2.25 }
}

extension Preset {
  /// The preset whose hyperparameters (frames, train crop, width, depth and bottleneck factors) `configuration`
  /// has, if any. A test crop, another batch, class count or implementation variant still counts as the preset.
  public static func matching(_ configuration: ModelConfiguration) -> Preset? {
    allCases.first { preset in
      preset.frames == configuration.frames && preset.crop == configuration.crop
        && preset.widthFactor == configuration.widthFactor && preset.depthFactor == configuration.depthFactor
        && preset.bottleneckFactor == configuration.bottleneckFactor
    }
  }
}
