/// The Pareto frontier of points that arrive in frontier order, kept as they stream by: memory is the frontier's,
/// whatever the number of points.
///
/// Points must come by increasing x; among equal x, best y first; among exact ties, in the order that should win
/// (the first is kept). A point joins the frontier when its y is strictly better than the frontier's last y, so
/// the frontier holds the points no other point dominates (x no larger and y at least as good, one strictly).
/// Points with a non-finite coordinate are counted and left out.
public struct ParetoScan<Payload> {
  public let maximizeY: Bool
  /// The frontier so far, by increasing x.
  public private(set) var frontier: [(x: Double, y: Double, payload: Payload)] = []
  /// Finite points seen.
  public private(set) var finite = 0
  /// Points left out because x or y was NaN, ±∞ or missing.
  public private(set) var nonFinite = 0

  public init(maximizeY: Bool) { self.maximizeY = maximizeY }

  /// Feeds one point; `payload` is evaluated only when the point joins the frontier.
  public mutating func add(x: Double?, y: Double?, payload: () throws -> Payload) rethrows {
    guard let x, let y, x.isFinite, y.isFinite else {
      nonFinite += 1
      return
    }
    finite += 1
    if let last = frontier.last, maximizeY ? y <= last.y : y >= last.y { return }
    frontier.append((x, y, try payload()))
  }
}

/// The Pareto frontier of points held in memory: x is a cost (smaller is better), y is better larger or smaller.
public enum ParetoFrontier {
  /// Points not dominated by any other, by increasing x (see ``ParetoScan``); of exact ties the first in input
  /// order is kept; points with a non-finite coordinate are left out.
  public static func frontier(_ points: [PlotPoint], maximizeY: Bool) -> [PlotPoint] {
    let better: (Double, Double) -> Bool = maximizeY ? { $0 > $1 } : { $0 < $1 }
    let finite = points.enumerated().filter { $0.element.x.isFinite && $0.element.y.isFinite }
    let ordered = finite.sorted { lhs, rhs in
      if lhs.element.x != rhs.element.x { return lhs.element.x < rhs.element.x }
      if lhs.element.y != rhs.element.y { return better(lhs.element.y, rhs.element.y) }
      return lhs.offset < rhs.offset
    }
    var scan = ParetoScan<PlotPoint>(maximizeY: maximizeY)
    for (_, point) in ordered { scan.add(x: point.x, y: point.y) { point } }
    return scan.frontier.map(\.payload)
  }
}
