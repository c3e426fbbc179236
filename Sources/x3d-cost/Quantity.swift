/// Number formatting for the terminal: exact integers with thousands separators, and scaled values with units.
enum Quantity {
  /// `4732468736` → `4,732,468,736`.
  static func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (offset, digit) in digits.enumerated() {
      if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
      result.append(digit)
    }
    return value < 0 ? "-" + result : result
  }

  /// Decimal SI scaling with two decimals: `4732468736` → `4.73 G`.
  static func decimal(_ value: Int) -> String {
    let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
    let magnitude = Double(value)
    for (scale, unit) in units where abs(magnitude) >= scale {
      return fixed(magnitude / scale, decimals: 2) + " " + unit
    }
    return String(value)
  }

  /// Binary scaling of bytes: `105971712` → `101.06 MiB`.
  static func bytes(_ value: Int) -> String {
    let units: [(Double, String)] = [(0x1p40, "TiB"), (0x1p30, "GiB"), (0x1p20, "MiB"), (0x1p10, "KiB")]
    for (scale, unit) in units where Double(value) >= scale {
      return fixed(Double(value) / scale, decimals: 2) + " " + unit
    }
    return "\(value) B"
  }

  /// `value` with exactly `decimals` digits after the point (round half to even is avoided: half away from zero).
  static func fixed(_ value: Double, decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let integer = Int(scaled / scale)
    let fraction = Int(scaled) - integer * Int(scale)
    var text = String(integer)
    if decimals > 0 {
      let digits = String(fraction)
      text += "." + String(repeating: "0", count: decimals - digits.count) + digits
    }
    return value < 0 && scaled != 0 ? "-" + text : text
  }

  /// A score with at most six decimals, trailing zeros dropped.
  static func significant(_ value: Double) -> String {
    guard abs(value) < 1e12 else { return String(value) }
    var text = fixed(value, decimals: 6)
    while text.last == "0" { text.removeLast() }
    if text.last == "." { text.removeLast() }
    return text
  }

  /// A factor with at most four decimals, trailing zeros dropped: `2.0` → `2`, `1.428571…` → `1.4286`.
  static func factor(_ value: Double) -> String {
    guard abs(value) < 1e12 else { return String(value) }
    var text = fixed(value, decimals: 4)
    while text.last == "0" { text.removeLast() }
    if text.last == "." { text.removeLast() }
    return text
  }
}
