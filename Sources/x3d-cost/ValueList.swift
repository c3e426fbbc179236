import Foundation

/// Parses a sweep flag's value: a comma-separated list whose items are numbers or inclusive ranges
/// `start:stop:step` (`start:stop` steps by 1). `1,2,4` → [1, 2, 4]; `160:224:16` → [160, 176, 192, 208, 224];
/// `1:2:0.25,4` → [1, 1.25, 1.5, 1.75, 2, 4]. Repeated values are kept once, in first-seen order. Every number
/// must be positive (all model flags are counts or factors).
///
/// Range values are `start + i·step`, printed with 12 significant digits and read back, so `0.1:0.3:0.1` gives
/// 0.1, 0.2, 0.3 and not 0.30000000000000004; the stop is included when it is within 1e-9 steps of a value.
enum ValueList {
  /// The most values one range may expand to.
  static let maximumRangeCount = 10_000_000

  static func parse(_ text: String, flag: String, integer: Bool) throws(UsageError) -> [Double] {
    var values: [Double] = []
    var seen: Set<Double> = []
    for item in text.split(separator: ",", omittingEmptySubsequences: false) {
      let item = item.trimmingCharacters(in: .whitespaces)
      if item.isEmpty {
        throw UsageError("\(flag) '\(text)': empty item; expected a list like 1,2,4")
      }
      for value in try expand(item, flag: flag, integer: integer) where seen.insert(value).inserted {
        values.append(value)
      }
    }
    return values
  }

  private static func expand(_ item: String, flag: String, integer: Bool) throws(UsageError)
    -> [Double]
  {
    let parts = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard parts.count <= 3 else {
      throw UsageError("\(flag) '\(item)': a range is start:stop or start:stop:step")
    }
    let numbers = try parts.map { (part) throws(UsageError) in
      try number(part, in: item, flag: flag, integer: integer)
    }
    if numbers.count == 1 {
      try positive(numbers[0], text: parts[0], flag: flag)
      return numbers
    }
    let (start, stop) = (numbers[0], numbers[1])
    let step = numbers.count == 3 ? numbers[2] : 1
    if step == 0 { throw UsageError("\(flag) '\(item)': the step is zero") }
    if (stop - start) / step < 0 {
      let direction = step > 0 ? "below" : "above"
      throw UsageError(
        "\(flag) '\(item)': the range is empty (stop \(format(stop)) is \(direction) start \(format(start)) "
          + "with step \(format(step)))")
    }
    let span = (stop - start) / step
    guard span < Double(maximumRangeCount) else {
      throw UsageError("\(flag) '\(item)': more than \(maximumRangeCount) values in one range")
    }
    let count = Int((span + 1e-9).rounded(.down)) + 1
    let values = (0..<count).map { cleaned(start + Double($0) * step) }
    if let bad = values.first(where: { $0 <= 0 }) {
      try positive(bad, text: "\(format(bad)) in '\(item)'", flag: flag)
    }
    return values
  }

  /// Every model flag is a count or a factor: a value ≤ 0 could only fail each configuration it enters.
  private static func positive(_ value: Double, text: String, flag: String) throws(UsageError) {
    guard value > 0 else { throw UsageError("invalid value for \(flag): \(text) (must be positive)") }
  }

  private static func number(_ text: String, in item: String, flag: String, integer: Bool)
    throws(UsageError)
    -> Double
  {
    let hint = "expected numbers, a list like 1,2,4 or a range start:stop:step like 1:3:0.5"
    guard let value = Double(text.trimmingCharacters(in: .whitespaces)) else {
      throw UsageError("\(flag): '\(text)' is not a number (\(hint))")
    }
    guard value.isFinite else { throw UsageError("\(flag): '\(text)' is not a finite number") }
    if integer && (value != value.rounded() || abs(value) > 0x1p53) {
      throw UsageError("\(flag) '\(item)': \(text) is not a whole number")
    }
    return value
  }

  /// `start + i·step` rounded to 12 significant digits, to drop binary noise.
  private static func cleaned(_ value: Double) -> Double {
    Double(String(format: "%.12g", value)) ?? value
  }

  private static func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }
}
