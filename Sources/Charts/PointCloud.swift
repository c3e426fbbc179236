import Foundation

/// The points of a series in bounded memory, collected before the axes exist (so that a figure needs one pass over
/// its data): kept one by one up to `limit`, then counted on a `resolution` × `resolution` grid that grows with the
/// data. Memory is at most `limit` points or the grid, whatever the number of points.
///
/// The grid lives in axis space (the value, or its base-10 logarithm on a log axis). Its cells are `width` wide from
/// `origin`; a point beyond the grid doubles the cell width along that axis (merging pairs of cells), toward the
/// side the point is on. The grid starts over twice the span of the points kept so far, so the data always covers
/// more than a quarter of it: at least `resolution / 4` cells across the data after any growth.
public struct PointCloud: Sendable {
  public let logX: Bool
  public let logY: Bool
  public let limit: Int
  public let resolution: Int
  /// Points kept one by one (empty once binned).
  public private(set) var points: [FigurePoint] = []
  /// Points added that the axes can show.
  public private(set) var count = 0
  /// Points left out: non-finite, or not positive on a log axis.
  public private(set) var rejected = 0
  /// Smallest and largest x and y of the points counted.
  public private(set) var xRange: ClosedRange<Double>?
  public private(set) var yRange: ClosedRange<Double>?
  /// Counts per cell, row-major from the lower-left corner; empty until the cloud outgrows `limit`.
  public private(set) var cells: [Int32] = []
  /// Lower edge and cell width of the grid along x and y, in axis space.
  public private(set) var origin = (x: 0.0, y: 0.0)
  public private(set) var width = (x: 1.0, y: 1.0)

  public init(logX: Bool = false, logY: Bool = false, limit: Int = 5_000, resolution: Int = 512) {
    self.logX = logX
    self.logY = logY
    self.limit = limit
    self.resolution = Swift.max(4, resolution / 2 * 2)
  }

  public var isBinned: Bool { !cells.isEmpty }

  /// Adds a point; non-finite coordinates, and coordinates not positive on a log axis, are counted in `rejected`.
  public mutating func add(_ point: FigurePoint) {
    guard point.x.isFinite, point.y.isFinite, !logX || point.x > 0, !logY || point.y > 0 else {
      rejected += 1
      return
    }
    count += 1
    xRange = xRange.map { Swift.min($0.lowerBound, point.x)...Swift.max($0.upperBound, point.x) } ?? point.x...point.x
    yRange = yRange.map { Swift.min($0.lowerBound, point.y)...Swift.max($0.upperBound, point.y) } ?? point.y...point.y
    if cells.isEmpty {
      points.append(point)
      if points.count > limit { startGrid() }
      return
    }
    bin(point)
  }

  /// A point's position in axis space.
  public func axisSpace(_ point: FigurePoint) -> (x: Double, y: Double) {
    (logX ? log10(point.x) : point.x, logY ? log10(point.y) : point.y)
  }

  /// The lower-left corner of a cell (the upper-right of the one before), in data units.
  public func corner(column: Int, row: Int) -> FigurePoint {
    let x = origin.x + Double(column) * width.x
    let y = origin.y + Double(row) * width.y
    return FigurePoint(x: logX ? pow(10, x) : x, y: logY ? pow(10, y) : y)
  }

  private mutating func startGrid() {
    let spaced = points.map(axisSpace)
    let n = Double(resolution)
    for vertical in [false, true] {
      let values = spaced.map { vertical ? $0.y : $0.x }
      let (low, high) = (values.min()!, values.max()!)
      let span = high > low ? high - low : Swift.max(Swift.abs(low), 1) * 1e-6
      // Twice the span, the data in the middle half.
      // Never zero (a denormal span would underflow) and never infinite (a span beyond the largest double).
      let cell = Swift.min(Swift.max(2 * span / n, .leastNormalMagnitude), .greatestFiniteMagnitude / n)
      let start = low - span / 2
      if vertical { (origin.y, width.y) = (start, cell) } else { (origin.x, width.x) = (start, cell) }
    }
    cells = Array(repeating: 0, count: resolution * resolution)
    let kept = points
    points = []
    for point in kept { bin(point) }
  }

  private mutating func bin(_ point: FigurePoint) {
    let (tx, ty) = axisSpace(point)
    let n = Double(resolution)
    // Each grow covers the point (up to float rounding, hence the loops); a cell width that became infinite ends
    // them, and the index clamps.
    while tx < origin.x { grow(vertical: false, downward: true, reach: origin.x + n * width.x - tx) }
    while tx >= origin.x + n * width.x { grow(vertical: false, downward: false, reach: tx - origin.x) }
    while ty < origin.y { grow(vertical: true, downward: true, reach: origin.y + n * width.y - ty) }
    while ty >= origin.y + n * width.y { grow(vertical: true, downward: false, reach: ty - origin.y) }
    cells[index((ty - origin.y) / width.y) * resolution + index((tx - origin.x) / width.x)] &+= 1
  }

  /// The cell holding a position `cells` widths from the origin (clamped, so rounding never leaves the grid).
  private func index(_ cells: Double) -> Int {
    cells.isFinite ? Int(Swift.min(Swift.max(cells, 0), Double(resolution - 1))) : 0
  }

  /// Doubles the cell width along one axis k times at once (k ≥ 1, the fewest that make the grid `reach` long),
  /// extending the grid below (`downward`, keeping its upper edge) or above (keeping its lower edge): old cell i goes
  /// to i >> k, or to (n·(2ᵏ − 1) + i) >> k when the range extends below.
  private mutating func grow(vertical: Bool, downward: Bool, reach: Double) {
    let n = resolution
    let cell = vertical ? width.y : width.x
    let needed = reach / (Double(n) * cell)
    // Beyond 2²⁰ every old cell lands in one new cell; more doublings only scale the width.
    let k = needed.isFinite && needed > 1 ? Swift.max(1, Int(Foundation.ceil(Foundation.log2(needed)))) : 1
    let shift = Swift.min(k, 20)
    let offset = downward ? n * ((1 << shift) - 1) : 0
    var grown = Array(repeating: Int32(0), count: n * n)
    for row in 0..<n {
      for column in 0..<n {
        let count = cells[row * n + column]
        guard count != 0 else { continue }
        var (r, c) = (row, column)
        if vertical { r = (offset + row) >> shift } else { c = (offset + column) >> shift }
        grown[r * n + c] &+= count
      }
    }
    cells = grown
    let grownCell = cell * Foundation.pow(2, Double(k))
    if vertical {
      if downward { origin.y += Double(n) * (cell - grownCell) }
      width.y = grownCell
    } else {
      if downward { origin.x += Double(n) * (cell - grownCell) }
      width.x = grownCell
    }
  }
}
