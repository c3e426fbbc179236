import CostModel
import X3DModel

extension SweepPlan {
  /// Whether no two configurations of the plan can resolve to one ``ConfigurationKey``, so storing each
  /// configuration once needs no key index: at most one preset, implementations that differ, no γ axis of more than
  /// one value, and every other axis's values distinct as the enumerator sets them (integers truncated, factors made
  /// canonical).
  ///
  /// Why that suffices: an explicit flag (frames, crop, test crop, width, depth and bottleneck factors, classes,
  /// batch) wins over γ and preset and is stored in the key unchanged, so each such axis fixes one field of the key
  /// by itself, and a one-valued axis or a single preset is a constant. A γ axis (rounded to frames and crops, or
  /// overridden by an explicit flag) and several presets can map different requests to one network.
  public var keysAreDistinct: Bool {
    guard presets.count <= 1, Set(implementations).count == implementations.count else { return false }
    for (parameter, list) in values where list.count > 1 {
      if Self.gammaParameters.contains(parameter) { return false }
      let distinct =
        Self.integerParameters.contains(parameter)
        ? Set(list.map { Int(exactly: $0.rounded(.towardZero)) ?? Int.max }).count
        : Set(list.map { CanonicalDecimal.rounded($0) }).count
      if distinct != list.count { return false }
    }
    return true
  }

  /// The expansion-factor flags.
  static let gammaParameters: Set<Parameter> = [.gammaTau, .gammaT, .gammaS, .gammaW, .gammaB, .gammaD]
}
