/// The six expansion factors of the X3D paper, relative to X2D (all equal to one).
///
/// Mapping to SlowFast hyperparameters (x3d-reference.md §2):
/// - `gammaTau` (γτ, frame rate 1/γτ): sampling rate = γτ. No effect on cost; recorded.
/// - `gammaT` (γt): frames `T` = γt rounded to the nearest integer, at least 1.
/// - `gammaS` (γs): crop = 112·γs rounded to the nearest multiple of 8.
/// - `gammaW` (γw): width factor = 2·γw (X2D's width factor is 2).
/// - `gammaB` (γb): bottleneck factor = γb.
/// - `gammaD` (γd): depth factor = γd.
///
/// Factors are canonical decimals (``CanonicalDecimal``) once resolved: at most six significant digits.
public struct ExpansionVector: Hashable, Sendable, Codable {
  public var gammaTau: Double
  public var gammaT: Double
  public var gammaS: Double
  public var gammaW: Double
  public var gammaB: Double
  public var gammaD: Double

  public init(
    gammaTau: Double = 1, gammaT: Double = 1, gammaS: Double = 1,
    gammaW: Double = 1, gammaB: Double = 1, gammaD: Double = 1
  ) {
    self.gammaTau = gammaTau
    self.gammaT = gammaT
    self.gammaS = gammaS
    self.gammaW = gammaW
    self.gammaB = gammaB
    self.gammaD = gammaD
  }

  /// X2D: every factor one.
  public static let x2d = ExpansionVector()

  /// Every factor as a canonical decimal (``CanonicalDecimal``): the vector the search prices, prints and stores.
  public var canonical: ExpansionVector {
    ExpansionVector(
      gammaTau: CanonicalDecimal.rounded(gammaTau), gammaT: CanonicalDecimal.rounded(gammaT),
      gammaS: CanonicalDecimal.rounded(gammaS), gammaW: CanonicalDecimal.rounded(gammaW),
      gammaB: CanonicalDecimal.rounded(gammaB), gammaD: CanonicalDecimal.rounded(gammaD))
  }

  // The one rounding rule from γ to hyperparameters. Flags, sweeps, the search and imported rows all reach it
  // through ``ModelRequest/resolve()``, which makes each γ canonical first, so a printed γ (always canonical)
  // rounds the same way when it is read back: `--gamma-t 3.5` is 4 frames wherever it comes from.

  /// Crop side in pixels for a spatial factor: `112·γs` rounded to the nearest multiple of 8 (ties away from zero),
  /// with `γs` canonical.
  public static func crop(forGammaS gammaS: Double) -> Double {
    crop(canonicalGammaS: CanonicalDecimal.rounded(gammaS))
  }

  static func crop(canonicalGammaS gammaS: Double) -> Double { (112 * gammaS / 8).rounded() * 8 }

  /// Frames for a temporal factor: `γt` rounded to the nearest integer (ties away from zero), at least 1, with `γt`
  /// canonical.
  public static func frames(forGammaT gammaT: Double) -> Double {
    frames(canonicalGammaT: CanonicalDecimal.rounded(gammaT))
  }

  static func frames(canonicalGammaT gammaT: Double) -> Double { max(1, gammaT.rounded()) }
}
