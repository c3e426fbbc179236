import Charts
import Foundation

/// Seeded figures for the tests: a dense cloud under a frontier, with labels on frontier points.
enum FigureSamples {
  /// A deterministic generator (SplitMix64), so every run draws the same cloud.
  struct Generator {
    var state: UInt64
    mutating func next() -> Double {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
  }

  /// `count` points with x in [1e9, 2e10] and y = 60 + 20·(1 − e^(−x/5e9))·u; the frontier by hand; labels on
  /// the frontier points and on `extraLabels` cloud points.
  static func dense(count: Int, width: Double = 237.6, labels: Int = 30) -> Figure {
    let x = ChartAxis(title: "multiply-adds (G)", minimum: 1e9, maximum: 2e10, log: false, divisor: 1e9)
    let y = ChartAxis(title: "top-1 accuracy (%)", minimum: 60, maximum: 80, log: false)
    var generator = Generator(state: 42)
    var cloud = PointCloud()
    var all: [FigurePoint] = []
    for _ in 0..<count {
      let px = 1e9 + generator.next() * 1.9e10
      let py = 60 + 20 * (1 - Foundation.exp(-px / 5e9)) * generator.next()
      let point = FigurePoint(x: px, y: py)
      cloud.add(point)
      if all.count < 200_000 { all.append(point) }
    }
    var frontier: [FigurePoint] = []
    for point in all.sorted(by: { $0.x < $1.x || ($0.x == $1.x && $0.y > $1.y) })
    where point.y > (frontier.last?.y ?? -1) {
      frontier.append(point)
    }
    // Labels spread along the frontier (every k-th point), as presets are.
    let stride = Swift.max(1, frontier.count / Swift.max(labels, 1))
    let spread = Swift.stride(from: 0, to: frontier.count, by: stride).prefix(labels).map { frontier[$0] }
    let labelled = spread.enumerated().map { FigureLabel(text: "X3D-\($0.offset)", point: $0.element) }
    return Figure(
      x: x, y: y, series: [FigureSeries(name: "", cloud: cloud, frontier: frontier)], labels: Array(labelled),
      width: width)
  }
}
