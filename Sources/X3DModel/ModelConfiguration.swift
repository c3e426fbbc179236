/// A fully resolved model: every SlowFast hyperparameter that shapes the network, plus the expansion vector it came
/// from (recorded, for reports and the store) and the batch the costs are computed for.
///
/// Create one with ``ModelRequest/resolve()`` (flags, γ factors and presets with their precedence) or directly with
/// ``init(frames:crop:testCrop:widthFactor:depthFactor:bottleneckFactor:classes:batch:implementation:gammas:)``,
/// which validates every value.
public struct ModelConfiguration: Hashable, Sendable {
  /// The six factors, as given where they were given, else derived from the resolved values (γt = T,
  /// γs = crop/112, γw = w/2, γb = b, γd = d, γτ = sampling rate).
  public var gammas: ExpansionVector
  /// Clip length `T`.
  public var frames: Int
  /// Train crop `S` (sizes the head pool).
  public var crop: Int
  /// Crop the network runs at, when it differs from the train crop (multi-view testing); nil: the train crop.
  public var testCrop: Int?
  public var widthFactor: Double
  public var depthFactor: Double
  public var bottleneckFactor: Double
  public var classes: Int
  public var batch: Int
  public var implementation: ImplementationVariant

  /// Bounds that keep every width and block count far inside `Int` (larger values are refused, not wrapped).
  public static let maximumWidthFactor = 10_000.0
  public static let maximumDepthFactor = 1_000.0
  public static let maximumBottleneckFactor = 10_000.0
  public static let maximumExtent = 1 << 30

  public init(
    frames: Int, crop: Int, testCrop: Int? = nil, widthFactor: Double, depthFactor: Double,
    bottleneckFactor: Double, classes: Int = 400, batch: Int = 1, implementation: ImplementationVariant = .paper,
    gammas: ExpansionVector? = nil
  ) throws(ConfigurationError) {
    try Self.check(.frames, frames, minimum: 1)
    try Self.check(.crop, crop, minimum: 1)
    if let testCrop { try Self.check(.testCrop, testCrop, minimum: 1) }
    try Self.check(.classes, classes, minimum: 1)
    try Self.check(.batch, batch, minimum: 1)
    try Self.check(.widthFactor, widthFactor, maximum: Self.maximumWidthFactor)
    try Self.check(.depthFactor, depthFactor, maximum: Self.maximumDepthFactor)
    try Self.check(.bottleneckFactor, bottleneckFactor, maximum: Self.maximumBottleneckFactor)
    self.frames = frames
    self.crop = crop
    self.testCrop = testCrop
    self.widthFactor = widthFactor
    self.depthFactor = depthFactor
    self.bottleneckFactor = bottleneckFactor
    self.classes = classes
    self.batch = batch
    self.implementation = implementation
    self.gammas =
      gammas
      ?? ExpansionVector(
        gammaTau: 1, gammaT: Double(frames), gammaS: Double(crop) / 112, gammaW: widthFactor / 2,
        gammaB: bottleneckFactor, gammaD: depthFactor)
    try Self.check(.gammaTau, self.gammas.gammaTau, maximum: 1e9)
  }

  /// A preset's exact hyperparameters (x3d-reference.md §1).
  public init(preset: Preset, classes: Int = 400, batch: Int = 1, implementation: ImplementationVariant = .paper)
    throws(ConfigurationError)
  {
    try self.init(
      frames: preset.frames, crop: preset.crop, widthFactor: preset.widthFactor, depthFactor: preset.depthFactor,
      bottleneckFactor: preset.bottleneckFactor, classes: classes, batch: batch, implementation: implementation,
      gammas: ExpansionVector(
        gammaTau: preset.samplingRate, gammaT: Double(preset.frames), gammaS: Double(preset.crop) / 112,
        gammaW: preset.widthFactor / 2, gammaB: preset.bottleneckFactor, gammaD: preset.depthFactor))
  }

  /// Sampling rate (stride between frames); γτ. It changes no cost.
  public var samplingRate: Double { gammas.gammaTau }

  /// The crop the network is evaluated at: the test crop when given, else the train crop.
  public var evaluatedCrop: Int { testCrop ?? crop }

  static func check(_ parameter: Parameter, _ value: Int, minimum: Int) throws(ConfigurationError) {
    if value < minimum {
      throw .invalidCount(parameter: parameter, value: value, reason: "must be at least \(minimum)")
    }
    if value > maximumExtent {
      throw .invalidCount(parameter: parameter, value: value, reason: "must be at most \(maximumExtent)")
    }
  }

  static func check(_ parameter: Parameter, _ value: Double, maximum: Double) throws(ConfigurationError) {
    guard value.isFinite, value > 0 else {
      throw .invalidFactor(parameter: parameter, value: value, reason: "must be a finite number greater than 0")
    }
    if value > maximum {
      throw .invalidFactor(parameter: parameter, value: value, reason: "must be at most \(maximum)")
    }
  }
}
