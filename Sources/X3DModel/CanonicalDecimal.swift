/// Expansion factors as canonical decimals: at most ``significantDigits`` significant digits, held as the double
/// nearest that decimal. What is printed (``text(_:minimumFraction:)``) is then exactly the value computed with,
/// and parsing the printed text gives the same double back, so printing then parsing a model gives the same network.
///
/// `2.4000000000000004` → `2.4`, `3.4999999999999996` → `3.5`, `1/2.4` → `0.416667`, `160/112` → `1.42857`.
public enum CanonicalDecimal {
  /// Significant decimal digits a factor keeps.
  public static let significantDigits = 6

  /// `value` rounded to `digits` (1 … ``significantDigits``) significant digits, half away from zero, as the
  /// nearest double.
  ///
  /// `m = round(value · 10^(p−e))` with `e = ⌊log10 |value|⌋` and `p = digits − 1`, then `m / 10^(p−e)`: dividing an
  /// exact integer by an exact power of ten is correctly rounded, so the result is the double nearest the decimal
  /// `m·10^(e−p)`. Idempotent. Zero, non-finite values and magnitudes outside `[1e-16, 1e16]` are returned as they
  /// are (no factor that resolves to a network lies there). About 5 ns: `resolve()` calls it for every factor given.
  public static func rounded(_ value: Double, digits: Int = significantDigits) -> Double {
    // Whole numbers below 10^6 (frames, crops, most γ of a sweep) are canonical already.
    if digits >= significantDigits, abs(value) < 1e6, value == Double(Int(value)) { return value }
    guard let (shift, scale) = scaling(value, digits: digits) else { return value }
    let magnitude = abs(value)
    let scaled = shift >= 0 ? magnitude * scale : magnitude / scale
    // scaled < 10^6, so adding one half is exact and truncation rounds half up (away from zero for the magnitude).
    let m = Double(Int(scaled + 0.5))
    let result = shift >= 0 ? m / scale : m * scale
    return value < 0 ? -result : result
  }

  /// The same with the last digit kept rounded by `rule` (`.up` and `.down` give the decimals on either side).
  public static func rounded(_ value: Double, digits: Int, rule: FloatingPointRoundingRule) -> Double {
    guard let (shift, scale) = scaling(value, digits: digits) else { return value }
    return shift >= 0 ? (value * scale).rounded(rule) / scale : (value / scale).rounded(rule) * scale
  }

  /// `p − e` and `10^|p − e|` (exact: at most `10^21`), or nil where `value` is left as it is.
  private static func scaling(_ value: Double, digits: Int) -> (shift: Int, scale: Double)? {
    let magnitude = abs(value)
    guard value.isFinite, magnitude >= 1e-16, magnitude < 1e16 else { return nil }
    let shift = min(max(digits, 1), significantDigits) - 1 - decimalExponent(magnitude)
    return (shift, power(abs(shift)))
  }

  /// `10^k` for `0 ≤ k ≤ 22`, exact.
  private static func power(_ k: Int) -> Double {
    switch k {
    case 0: 1
    case 1: 1e1
    case 2: 1e2
    case 3: 1e3
    case 4: 1e4
    case 5: 1e5
    case 6: 1e6
    case 7: 1e7
    case 8: 1e8
    case 9: 1e9
    case 10: 1e10
    case 11: 1e11
    case 12: 1e12
    case 13: 1e13
    case 14: 1e14
    case 15: 1e15
    case 16: 1e16
    case 17: 1e17
    case 18: 1e18
    case 19: 1e19
    case 20: 1e20
    case 21: 1e21
    default: 1e22
    }
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
    let places = max(0, significantDigits - 1 - decimalExponent(magnitude))
    var digits: String
    if places > 0 {
      let m = Int((magnitude * power(places)).rounded())
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

  /// `⌊log10 x⌋` for `1e-16 ≤ x < 1e16`, exact at powers of ten: below one, `x` is compared with the double nearest
  /// `10^e` (`1 / 10^|e|`, one correctly rounded division), which is what a decimal like `0.001` parses to.
  private static func decimalExponent(_ x: Double) -> Int {
    var power = 10.0
    if x >= 1 {
      var e = 0
      while power <= x {
        power *= 10
        e += 1
      }
      return e
    }
    var e = -1
    while x < 1 / power {
      power *= 10
      e -= 1
    }
    return e
  }
}
