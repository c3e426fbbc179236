/// What a user asked for: a preset, expansion factors and explicit hyperparameters, any of them absent.
///
/// Precedence, per hyperparameter: explicit flag > γ factor > preset > X2D.
public struct ModelRequest: Hashable, Sendable {
  public var preset: Preset?
  public var gammaTau: Double? { didSet { canonicalMark.isSet = false } }
  public var gammaT: Double? { didSet { canonicalMark.isSet = false } }
  public var gammaS: Double? { didSet { canonicalMark.isSet = false } }
  public var gammaW: Double? { didSet { canonicalMark.isSet = false } }
  public var gammaB: Double? { didSet { canonicalMark.isSet = false } }
  public var gammaD: Double? { didSet { canonicalMark.isSet = false } }
  public var frames: Int?
  public var crop: Int?
  public var testCrop: Int?
  public var widthFactor: Double? { didSet { canonicalMark.isSet = false } }
  public var depthFactor: Double? { didSet { canonicalMark.isSet = false } }
  public var bottleneckFactor: Double? { didSet { canonicalMark.isSet = false } }
  public var classes: Int?
  public var batch: Int?
  public var implementation: ImplementationVariant

  /// Set where every factor is known to be canonical already (a sweep's value lists are made canonical once, in
  /// ``SweepPlan``'s enumerator), so ``resolve()`` skips rounding them again; changing any factor clears it. It
  /// takes no part in equality.
  package var factorsAreCanonical: Bool {
    get { canonicalMark.isSet }
    set { canonicalMark.isSet = newValue }
  }
  private var canonicalMark = CanonicalMark()

  public init(preset: Preset? = nil, implementation: ImplementationVariant = .paper) {
    self.preset = preset
    self.implementation = implementation
  }

  /// Applies the precedence and validates every value. Every factor given (γ and explicit width, depth and
  /// bottleneck factors) is read as a canonical decimal first (``CanonicalDecimal/rounded(_:)``, six significant
  /// digits), so a value and its printed text resolve to the same network.
  public func resolve() throws(ConfigurationError) -> ModelConfiguration {
    try (factorsAreCanonical ? self : canonical).resolveCanonical()
  }

  /// This request with every factor canonical.
  private var canonical: ModelRequest {
    var request = self
    request.gammaTau = Self.canonical(gammaTau)
    request.gammaT = Self.canonical(gammaT)
    request.gammaS = Self.canonical(gammaS)
    request.gammaW = Self.canonical(gammaW)
    request.gammaB = Self.canonical(gammaB)
    request.gammaD = Self.canonical(gammaD)
    request.widthFactor = Self.canonical(widthFactor)
    request.depthFactor = Self.canonical(depthFactor)
    request.bottleneckFactor = Self.canonical(bottleneckFactor)
    return request
  }

  private static func canonical(_ value: Double?) -> Double? {
    guard let value else { return nil }
    return CanonicalDecimal.rounded(value)
  }

  private func resolveCanonical() throws(ConfigurationError) -> ModelConfiguration {
    let base = preset ?? .x2d
    let extent = Double(ModelConfiguration.maximumExtent)
    for (parameter, value, maximum) in [
      (Parameter.gammaTau, gammaTau, 1e9), (.gammaT, gammaT, extent), (.gammaS, gammaS, extent / 112),
      (.gammaW, gammaW, ModelConfiguration.maximumWidthFactor / 2),
      (.gammaB, gammaB, ModelConfiguration.maximumBottleneckFactor),
      (.gammaD, gammaD, ModelConfiguration.maximumDepthFactor),
    ] {
      if let value { try ModelConfiguration.check(parameter, value, maximum: maximum) }
    }
    var gammas = ExpansionVector(gammaTau: gammaTau ?? base.samplingRate)

    let frames: Int
    if let explicit = self.frames {
      frames = explicit
      gammas.gammaT = Double(explicit)
    } else if let gammaT {
      frames = Int(ExpansionVector.frames(canonicalGammaT: gammaT))
      gammas.gammaT = gammaT
    } else {
      frames = base.frames
      gammas.gammaT = Double(frames)
    }

    let crop: Int
    if let explicit = self.crop {
      crop = explicit
      gammas.gammaS = Double(explicit) / 112
    } else if let gammaS {
      let rounded = ExpansionVector.crop(canonicalGammaS: gammaS)
      guard rounded >= 8 else {
        throw .invalidFactor(
          parameter: .gammaS, value: gammaS, reason: "crop 112·γs rounds to \(Int(rounded)) pixels; need at least 8")
      }
      crop = Int(rounded)
      gammas.gammaS = gammaS
    } else {
      crop = base.crop
      gammas.gammaS = Double(crop) / 112
    }

    // 2·γw can need a seventh digit (2 · 9.99999): the width factor is made canonical too, so the SlowFast YAML
    // (explicit width) and the γ flags of one configuration resolve alike.
    let widthFactor = self.widthFactor ?? gammaW.map { CanonicalDecimal.rounded(2 * $0) } ?? base.widthFactor
    gammas.gammaW = self.widthFactor == nil ? (gammaW ?? widthFactor / 2) : widthFactor / 2
    let bottleneckFactor = self.bottleneckFactor ?? gammaB ?? base.bottleneckFactor
    gammas.gammaB = bottleneckFactor
    let depthFactor = self.depthFactor ?? gammaD ?? base.depthFactor
    gammas.gammaD = depthFactor

    return try ModelConfiguration(
      frames: frames, crop: crop, testCrop: testCrop, widthFactor: widthFactor, depthFactor: depthFactor,
      bottleneckFactor: bottleneckFactor, classes: classes ?? 400, batch: batch ?? 1, implementation: implementation,
      gammas: gammas)
  }
}

/// A flag that every instance compares equal on (it records how a request was made, not what it asks for).
private struct CanonicalMark: Hashable, Sendable {
  var isSet = false
  static func == (lhs: Self, rhs: Self) -> Bool { true }
  func hash(into hasher: inout Hasher) {}
}
