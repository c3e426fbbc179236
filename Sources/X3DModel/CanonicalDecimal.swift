/// Expansion factors as canonical decimals: at most ``significantDigits`` significant digits, held as the double
/// nearest that decimal. What is printed (``text(_:minimumFraction:)``) is then exactly the value computed with,
/// and parsing the printed text gives the same double back, so printing then parsing a model gives the same network.
///
/// `2.4000000000000004` → `2.4`, `3.4999999999999996` → `3.5`, `1/2.4` → `0.416667`, `160/112` → `1.42857`.
public enum CanonicalDecimal {
  /// Significant decimal digits a factor keeps.
  public static let significantDigits = 6

  /// Exact powers of ten, `10^0 … 10^22` (every one is a double).
  private static let powers: [Double] = (0...22).reduce(into: []) { list, k in
    list.append(k == 0 ? 1 : list[k - 1] * 10)
  }

  /// `value` rounded to `digits` (1 … ``significantDigits``) significant digits, half away from zero, as the
  /// nearest double.
  ///
  /// `m = round(value · 10^(p−e))` with `e = ⌊log10 |value|⌋` and `p = digits − 1`, then `m / 10^(p−e)`: dividing an
  /// exact integer by an exact power of ten is correctly rounded, so the result is the double nearest the decimal
  /// `m·10^(e−p)`. Idempotent. Zero, non-finite values and magnitudes outside `[1e-16, 1e16]` are returned as they
  /// are (no factor that resolves to a network lies there).
  /// `rule` rounds the last digit kept (`.up` and `.down` give the decimals on either side of `value`).
  public static func rounded(
    _ value: Double, digits: Int = significantDigits, rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero
  ) -> Double {
    let magnitude = abs(value)
    guard value.isFinite, magnitude >= 1e-16, magnitude < 1e16 else { return value }
    let e = decimalExponent(magnitude)
    let shift = min(max(digits, 1), significantDigits) - 1 - e
    if shift >= 0 {
      let scale = powers[shift]
      return (value * scale).rounded(rule) / scale
    }
    let scale = powers[-shift]
    return (value / scale).rounded(rule) * scale
  }

  /// Whether `value` is already canonical.
  public static func isCanonical(_ value: Double) -> Bool { rounded(value) == value }

  /// The canonical value of `value` in plain decimal notation (no exponent), trailing zeros dropped: `2.4`, `0.4`,
  /// `15`, or `15.0` with `minimumFraction` (as SlowFast YAML and Python write floats).
  public static func text(_ value: Double, minimumFraction: Bool = false) -> String {
    let value = rounded(value)
    let magnitude = abs(value)
    guard value.isFinite, magnitude >= 1e-16, magnitude < 1e16 else { return String(value) }
    // The decimal's significand and exponent: value = m · 10^(−places).
    let e = decimalExponent(magnitude)
    let places = max(0, significantDigits - 1 - e)
    var digits: String
    if places > 0 {
      let m = Int((magnitude * powers[places]).rounded())
      digits = String(m)
      if digits.count <= places { digits = String(repeating: "0", count: places - digits.count + 1) + digits }
      let split = digits.index(digits.endIndex, offsetBy: -places)
      var fraction = digits[split...]
      while fraction.last == "0" { fraction.removeLast() }
      digits = String(digits[..<split]) + (fraction.isEmpty ? (minimumFraction ? ".0" : "") : "." + fraction)
    } else {
      digits = String(Int(magnitude)) + (minimumFraction ? ".0" : "")
    }
    return (value < 0 ? "-" : "") + digits
  }

  /// `⌊log10 x⌋` for `1e-16 ≤ x < 1e16`, exact at powers of ten.
  private static func decimalExponent(_ x: Double) -> Int {
    // Estimate from the binary exponent (log10 2 ≈ 0.30103), then correct against the exact powers.
    var e = Int((Double(x.exponent) * 0.30102999566398120).rounded(.down))
    while e > -17, !isAtLeast(x, power: e) { e -= 1 }
    while e < 16, isAtLeast(x, power: e + 1) { e += 1 }
    return e
  }

  /// `x ≥ 10^k`; for negative `k` against the double nearest `10^k` (`1 / 10^|k|`, one correctly rounded division),
  /// which is the double a decimal like `0.001` parses to.
  private static func isAtLeast(_ x: Double, power k: Int) -> Bool {
    if k >= 0 { return k <= 22 ? x >= powers[k] : false }
    if -k > 22 { return true }
    // 10^k is not a double for k < 0; the nearest double of the decimal 1e-|k| is 1 / 10^|k| (one rounding).
    return x >= 1 / powers[-k]
  }
}
