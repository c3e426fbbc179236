import Foundation

/// One axis of a plot: its range (padded 5 %, or to whole decades on a log scale) and "nice" ticks.
struct PlotAxis {
  let log: Bool
  let lower: Double
  let upper: Double
  let ticks: [Double]

  init(values: [Double], log: Bool) {
    self.log = log
    var low = values.min() ?? 0
    var high = values.max() ?? 1
    if log {
      low = pow(10, floor(log10(low)))
      high = pow(10, ceil(log10(high)))
      if low == high { high = low * 10 }
      var ticks: [Double] = []
      let decades = Int((log10(high) - log10(low)).rounded())
      let multiples: [Double] = decades <= 2 ? [1, 2, 5] : [1]
      var decade = low
      while decade <= high * (1 + 1e-9) {
        for multiple in multiples where decade * multiple <= high * (1 + 1e-9) {
          ticks.append(decade * multiple)
        }
        decade *= 10
      }
      self.ticks = ticks
    } else {
      if low == high {
        low -= abs(low) > 0 ? abs(low) * 0.1 : 1
        high += abs(high) > 0 ? abs(high) * 0.1 : 1
      }
      let pad = (high - low) * 0.05
      low -= pad
      high += pad
      let step = Self.niceStep((high - low) / 6)
      var ticks: [Double] = []
      var tick = (low / step).rounded(.up) * step
      while tick <= high {
        ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
        tick += step
      }
      self.ticks = ticks
    }
    lower = low
    upper = high
  }

  /// Position of `value` along the axis, 0 at the lower end and 1 at the upper.
  func fraction(_ value: Double) -> Double {
    if log { return (log10(value) - log10(lower)) / (log10(upper) - log10(lower)) }
    return (value - lower) / (upper - lower)
  }

  /// 1, 2 or 5 times a power of ten, at least `rough`.
  static func niceStep(_ rough: Double) -> Double {
    let magnitude = pow(10, floor(log10(rough)))
    for multiple in [1.0, 2, 5, 10] where multiple * magnitude >= rough {
      return multiple * magnitude
    }
    return 10 * magnitude
  }

  /// SI-scaled tick label: 4.5e9 → `4.5G`, 2e6 → `2M`, 0.25 → `0.25`.
  static func label(_ value: Double) -> String {
    for (scale, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
    where abs(value) >= scale {
      return String(format: "%.4g", value / scale) + suffix
    }
    return String(format: "%.4g", value)
  }
}
