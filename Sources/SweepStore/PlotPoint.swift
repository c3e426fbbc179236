import X3DModel

/// One configuration (and, for a measured metric, one dataset) as a point of a trade-off curve.
public struct PlotPoint: Hashable, Sendable {
  public var configKey: String
  public var x: Double
  public var y: Double
  /// The dataset a measured coordinate came from.
  public var dataset: String?
  /// The preset whose architecture this configuration is (frames, crops, factors, classes, batch), if any,
  /// whatever the sampling rate or implementation.
  public var preset: Preset?
  /// `16×224² w2.0 d2.2 b2.25`.
  public var label: String

  /// `X3D-M`, `X2D`.
  public static func displayName(_ preset: Preset) -> String {
    preset == .x2d ? "X2D" : "X3D-" + preset.rawValue.uppercased()
  }

  public init(
    configKey: String, x: Double, y: Double, dataset: String?, preset: Preset?, label: String
  ) {
    self.configKey = configKey
    self.x = x
    self.y = y
    self.dataset = dataset
    self.preset = preset
    self.label = label
  }
}

/// The Pareto frontier of a set of points: x is a cost (smaller is better), y is better larger or smaller.
public enum ParetoFrontier {
  /// Points not dominated by any other, by increasing x. A point is dominated when another has x no larger and
  /// y at least as good, one of them strictly; of exact ties the first in input order is kept.
  public static func frontier(_ points: [PlotPoint], maximizeY: Bool) -> [PlotPoint] {
    let better: (Double, Double) -> Bool = maximizeY ? { $0 > $1 } : { $0 < $1 }
    let ordered = points.enumerated().sorted { lhs, rhs in
      if lhs.element.x != rhs.element.x { return lhs.element.x < rhs.element.x }
      if lhs.element.y != rhs.element.y { return better(lhs.element.y, rhs.element.y) }
      return lhs.offset < rhs.offset
    }
    var frontier: [PlotPoint] = []
    for (_, point) in ordered where point.x.isFinite && point.y.isFinite {
      if let last = frontier.last, !better(point.y, last.y) { continue }
      frontier.append(point)
    }
    return frontier
  }
}
