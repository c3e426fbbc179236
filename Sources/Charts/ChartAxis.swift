import Foundation

/// One axis of a figure: a title with its unit, a range that ends near the data, and ticks.
///
/// Values are given in stored units and shown divided by `divisor` (1e9 for "multiply-adds (G)"). A linear axis
/// spans the data padded by 4 % of its extent; a log axis spans the data padded by 4 % of its extent in decades
/// (never out to the next whole decade). Ticks are 1, 2 or 5 × 10ⁿ steps on a linear axis, the one closest to the wanted count,, and 10ⁿ (with 2× and 5×
/// when the axis spans less than three decades, every integer multiple when it spans less than one) on a log axis.
public struct ChartAxis: Sendable, Equatable {
  public var title: String
  public var log: Bool
  /// Shown value = stored value / divisor.
  public var divisor: Double
  /// Ends of the axis, in stored units.
  public private(set) var lower: Double
  public private(set) var upper: Double

  /// An axis over data from `minimum` to `maximum` (stored units; on a log axis both must be positive).
  public init(title: String, minimum: Double, maximum: Double, log: Bool, divisor: Double = 1) {
    self.title = title
    self.log = log
    self.divisor = divisor
    var low = minimum
    var high = maximum
    if log {
      low = Swift.max(low, .leastNormalMagnitude)
      high = Swift.max(high, low)
      var (a, b) = (log10(low), log10(high))
      if b - a < 1e-9 {
        a -= 0.1
        b += 0.1
      }
      let pad = (b - a) * 0.04
      low = pow(10, a - pad)
      high = pow(10, b + pad)
    } else {
      if high - low <= Swift.abs(high) * 1e-12 {
        let spread = Swift.abs(low) > 0 ? Swift.abs(low) * 0.05 : 1
        low -= spread
        high += spread
      }
      let pad = (high - low) * 0.04
      low -= pad
      high += pad
    }
    lower = low
    upper = high
  }

  /// Position of `value` along the axis: 0 at the lower end, 1 at the upper.
  public func fraction(_ value: Double) -> Double {
    if log { return (log10(value) - log10(lower)) / (log10(upper) - log10(lower)) }
    return (value - lower) / (upper - lower)
  }

  /// Whether `value` can be drawn on this axis (finite, and positive on a log axis).
  public func accepts(_ value: Double) -> Bool { value.isFinite && (!log || value > 0) }

  /// Tick values in stored units, about `target` of them on a linear axis.
  public func ticks(target: Int = 5) -> [Double] {
    if log {
      let (a, b) = (log10(lower), log10(upper))
      let span = b - a
      let multiples: [Double] = span < 1 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : span < 3 ? [1, 2, 5] : [1]
      var ticks: [Double] = []
      var exponent = floor(a)
      while exponent <= ceil(b) {
        for multiple in multiples {
          let value = multiple * pow(10, exponent)
          if value >= lower * (1 - 1e-12) && value <= upper * (1 + 1e-12) { ticks.append(value) }
        }
        exponent += 1
      }
      return ticks
    }
    let step = Self.step(span: upper - lower, target: Swift.max(target, 2))
    var ticks: [Double] = []
    var index = (lower / step).rounded(.up)
    while index * step <= upper + step * 1e-9 {
      ticks.append(Swift.abs(index) < 1e-9 ? 0 : index * step)
      index += 1
    }
    return ticks
  }

  /// Tick labels in shown units, with as many decimals as the step between ticks needs (`0.5`, `1`, `1.5`; log
  /// ticks `0.1`, `1`, `10`).
  public func labels(_ ticks: [Double]) -> [String] {
    let shown = ticks.map { $0 / divisor }
    var decimals = 0
    for value in shown where value != 0 {
      for digits in 0...6 {
        let scaled = value * pow(10, Double(digits))
        if Swift.abs(scaled - scaled.rounded()) < 1e-6 * Swift.max(1, Swift.abs(scaled)) {
          decimals = Swift.max(decimals, digits)
          break
        }
        if digits == 6 { decimals = 6 }
      }
    }
    if log { return shown.map { Self.trimmed(String(format: "%.\(decimals)f", $0)) } }
    return shown.map { String(format: "%.\(decimals)f", $0) }
  }

  /// The 1, 2 or 5 × 10ⁿ step that puts closest to `target` ticks on `span` (the larger step on a tie).
  static func step(span: Double, target: Int) -> Double {
    let magnitude = pow(10, floor(log10(span / Double(target))))
    var best = magnitude
    var bestMiss = Double.infinity
    for multiple in [1.0, 2, 5, 10] {
      let miss = Swift.abs(span / (multiple * magnitude) - Double(target))
      if miss <= bestMiss {
        best = multiple * magnitude
        bestMiss = miss
      }
    }
    return best
  }

  private static func trimmed(_ text: String) -> String {
    guard text.contains(".") else { return text }
    var text = text
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
  }
}
