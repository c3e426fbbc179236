import Foundation

/// A figure laid out on its page: the marks to draw, where each label went, and the labels that found no place.
///
/// Layout: the y tick labels and y title on the left, x tick labels, x title and the legend (one entry per series,
/// flowing in rows) below the plot, so the legend never covers data. Clouds are drawn first and translucent; each
/// frontier is a line with solid markers on top. Labels are then placed greedily, in the order given: for each, the
/// first of 112 candidate positions around its point (16 directions, seven distances) whose box stays inside the plot
/// and touches no marker, frontier line or earlier label (the six farther rings also need a leader line from the point's
/// ring to the box that crosses no frontier, ring, label or other leader beyond its first half font size; it may
/// cross the translucent cloud); a label with no free candidate is left out.
public struct FigureLayout: Sendable {
  public private(set) var marks: [Mark] = []
  /// The plot area (inside the axes).
  public private(set) var plot = PageRect(minX: 0, minY: 0, maxX: 0, maxY: 0)
  /// Boxes of the labels placed, with their texts.
  public private(set) var placed: [(text: String, box: PageRect)] = []
  /// Labels left out: no candidate position was free.
  public private(set) var omitted: [String] = []
  /// Boxes of every marker and density cell drawn in the plot, and the frontier segments (for checks).
  public private(set) var markerBoxes: [PageRect] = []
  public private(set) var frontierSegments: [(PagePoint, PagePoint)] = []
  /// Lines from a ring to a label placed away from its point.
  public private(set) var leaders: [(PagePoint, PagePoint)] = []

  /// Colour-blind-safe palette (Okabe–Ito).
  static let palette: [RGB] = [
    RGB(0x0072B2), RGB(0xD55E00), RGB(0x009E73), RGB(0xCC79A7), RGB(0xE69F00), RGB(0x56B4E9),
  ]

  public init(_ figure: Figure) {
    let font = figure.fontSize
    let titleSize = (font * 1.1 * 10).rounded() / 10
    let tick = font * 0.4
    let xTicks = figure.x.ticks(target: Swift.max(3, Int(figure.width / (font * 7))))
    let yTicks = figure.y.ticks(target: Swift.max(3, Int(figure.height / (font * 4))))
    let xLabels = figure.x.labels(xTicks)
    let yLabels = figure.y.labels(yTicks)
    let yLabelWidth = yLabels.map { Helvetica.width($0, size: font) }.max() ?? 0

    // Legend entries and their rows, below the x title.
    let single = figure.series.count == 1
    var entries: [(name: String, series: Int, line: Bool)] = []
    for (index, series) in figure.series.enumerated() {
      if single {
        if series.cloud.count > series.frontier.count {
          entries.append((series.name.isEmpty ? "configurations" : series.name, index, false))
        }
        if !series.frontier.isEmpty { entries.append(("Pareto frontier", index, true)) }
      } else {
        entries.append((series.name.isEmpty ? "(none)" : series.name, index, series.frontier.count > 1))
      }
    }
    let swatch = font * 2.2
    let entryGap = font * 1.2
    let left = font * 0.3 + titleSize * 1.25 + yLabelWidth + tick + font * 0.4
    let right = Swift.max(font * 0.6, Helvetica.width(xLabels.last ?? "", size: font) / 2 + 2)
    let available = figure.width - font
    var rows: [[Int]] = [[]]
    var rowWidth = 0.0
    for (index, entry) in entries.enumerated() {
      let width = swatch + font * 0.3 + Helvetica.width(entry.name, size: font)
      if !rows[rows.count - 1].isEmpty && rowWidth + entryGap + width > available {
        rows.append([])
        rowWidth = 0
      }
      rowWidth += (rows[rows.count - 1].isEmpty ? 0 : entryGap) + width
      rows[rows.count - 1].append(index)
    }
    if entries.isEmpty { rows = [] }
    let lineHeight = font * 1.35
    let top = figure.title == nil ? font * 0.8 : titleSize * 1.8
    let bottom =
      tick + font * 1.3 + titleSize * 1.3 + Double(rows.count) * lineHeight + font * 0.3
    plot = PageRect(
      minX: left, minY: top, maxX: figure.width - right, maxY: figure.height - bottom)
    let area = plot
    func px(_ value: Double) -> Double { area.minX + figure.x.fraction(value) * area.width }
    func py(_ value: Double) -> Double { area.maxY - figure.y.fraction(value) * area.height }

    // Grid, frame, ticks, axis titles.
    for value in xTicks {
      marks.append(
        .polyline(
          [PagePoint(px(value), area.minY), PagePoint(px(value), area.maxY)], stroke: .grid, lineWidth: 0.4, opacity: 1)
      )
    }
    for value in yTicks {
      marks.append(
        .polyline(
          [PagePoint(area.minX, py(value)), PagePoint(area.maxX, py(value))], stroke: .grid, lineWidth: 0.4, opacity: 1)
      )
    }
    marks.append(.rect(area, fill: nil, stroke: .frame, lineWidth: 0.6, opacity: 1))
    for (value, label) in zip(xTicks, xLabels) {
      let x = px(value)
      marks.append(
        .polyline(
          [PagePoint(x, area.maxY), PagePoint(x, area.maxY + tick)], stroke: .frame, lineWidth: 0.6, opacity: 1))
      marks.append(
        .text(
          label, at: PagePoint(x, area.maxY + tick + font * 1.0), size: font, bold: false, anchor: .middle,
          vertical: false))
    }
    for (value, label) in zip(yTicks, yLabels) {
      let y = py(value)
      marks.append(
        .polyline(
          [PagePoint(area.minX - tick, y), PagePoint(area.minX, y)], stroke: .frame, lineWidth: 0.6, opacity: 1))
      marks.append(
        .text(
          label, at: PagePoint(area.minX - tick - font * 0.3, y + font * Helvetica.capHeight / 2), size: font,
          bold: false, anchor: .end, vertical: false))
    }
    let xTitleBaseline = area.maxY + tick + font * 1.3 + titleSize * 1.0
    marks.append(
      .text(
        figure.x.title, at: PagePoint(area.minX + area.width / 2, xTitleBaseline), size: titleSize, bold: false,
        anchor: .middle, vertical: false))
    marks.append(
      .text(
        figure.y.title, at: PagePoint(font * 0.3 + titleSize * 0.95, area.minY + area.height / 2), size: titleSize,
        bold: false, anchor: .middle, vertical: true))
    if let title = figure.title {
      marks.append(
        .text(
          title, at: PagePoint(figure.width / 2, titleSize * 1.25), size: titleSize, bold: true, anchor: .middle,
          vertical: false))
    }

    // Clouds, translucent, then frontiers on top.
    var grid = Occupancy(area)
    // What a leader line may not cross: frontiers, rings, labels and leaders (it may cross a translucent cloud).
    var hard = Occupancy(area)
    let markerRadius = font * 0.28
    for (index, series) in figure.series.enumerated() {
      let color = Self.palette[index % Self.palette.count]
      let shape = MarkerShape.allCases[index % MarkerShape.allCases.count]
      if series.cloud.isBinned {
        // The cloud's grid, re-binned onto display cells of about 2 pt: each grid cell's count is shared among the
        // display cells it overlaps, in proportion to the overlap (no empty stripes where the grids beat).
        let cloud = series.cloud
        let (columns, rows) = (Swift.max(1, Int(area.width / 2)), Swift.max(1, Int(area.height / 2)))
        var display = Array(repeating: 0.0, count: columns * rows)
        /// The part of the cell's span [a, b) (in display cells) in each display cell it overlaps.
        func shares(_ a: Double, _ b: Double, _ count: Int) -> [(Int, Double)] {
          let (low, high) = (Swift.max(a, 0), Swift.min(b, Double(count)))
          guard high > low, b > a else { return [] }
          var result: [(Int, Double)] = []
          var cell = Int(low)
          while Double(cell) < high && cell < count {
            let overlap = Swift.min(high, Double(cell + 1)) - Swift.max(low, Double(cell))
            if overlap > 0 { result.append((cell, overlap / (b - a))) }
            cell += 1
          }
          return result
        }
        for row in 0..<cloud.resolution {
          for column in 0..<cloud.resolution where cloud.cells[row * cloud.resolution + column] > 0 {
            let lower = cloud.corner(column: column, row: row)
            let upper = cloud.corner(column: column + 1, row: row + 1)
            let xs = shares(
              figure.x.fraction(lower.x) * Double(columns), figure.x.fraction(upper.x) * Double(columns), columns)
            let ys = shares(figure.y.fraction(lower.y) * Double(rows), figure.y.fraction(upper.y) * Double(rows), rows)
            let count = Double(cloud.cells[row * cloud.resolution + column])
            for (c, fx) in xs { for (r, fy) in ys { display[r * columns + c] += count * fx * fy } }
          }
        }
        let (cw, ch) = (area.width / Double(columns), area.height / Double(rows))
        let most = Double(display.max() ?? 1)
        for row in 0..<rows {
          for column in 0..<columns where display[row * columns + column] > 0 {
            let count = display[row * columns + column]
            // Edges snapped to the writers' 0.01 pt, so that neighbours share them exactly (no seams).
            func snap(_ value: Double) -> Double { (value * 100).rounded() / 100 }
            let box = PageRect(
              minX: snap(area.minX + Double(column) * cw), minY: snap(area.maxY - Double(row + 1) * ch),
              maxX: snap(area.minX + Double(column + 1) * cw), maxY: snap(area.maxY - Double(row) * ch))
            // Opacity grows with the logarithm of the count: 0.12 near zero, 0.6 for the densest cell.
            let opacity = 0.12 + 0.48 * log1p(count) / log1p(most)
            marks.append(.rect(box, fill: color, stroke: nil, lineWidth: 0, opacity: (opacity * 100).rounded() / 100))
            markerBoxes.append(box)
            grid.mark(box)
          }
        }
      } else {
        let frontier = Set(series.frontier)
        for point in series.cloud.points where !frontier.contains(point) {
          let center = PagePoint(px(point.x), py(point.y))
          marks.append(.marker(shape, center: center, radius: markerRadius, fill: color, stroke: nil, opacity: 0.3))
          let box = Self.box(center, markerRadius)
          markerBoxes.append(box)
          grid.mark(box)
        }
      }
    }
    for (index, series) in figure.series.enumerated() {
      let color = Self.palette[index % Self.palette.count]
      let shape = MarkerShape.allCases[index % MarkerShape.allCases.count]
      let points = series.frontier.filter { figure.x.accepts($0.x) && figure.y.accepts($0.y) }
        .map { PagePoint(px($0.x), py($0.y)) }
      if points.count > 1 {
        marks.append(.polyline(points, stroke: color, lineWidth: font * 0.12, opacity: 1))
        for (a, b) in zip(points, points.dropFirst()) {
          frontierSegments.append((a, b))
          grid.mark(segment: a, b, halfWidth: font * 0.06 + 0.5)
          hard.mark(segment: a, b, halfWidth: font * 0.06 + 0.5)
        }
      }
      for center in points {
        marks.append(
          .marker(shape, center: center, radius: markerRadius * 1.35, fill: color, stroke: .black, opacity: 1))
        let box = Self.box(center, markerRadius * 1.35 + 0.3)
        markerBoxes.append(box)
        grid.mark(box)
        hard.mark(box)
      }
    }

    // Labelled points get a ring, so that a reader sees which point a label names.
    let ring = markerRadius * 1.35 + 1.2
    for label in figure.labels where figure.x.accepts(label.point.x) && figure.y.accepts(label.point.y) {
      let center = PagePoint(px(label.point.x), py(label.point.y))
      marks.append(.marker(.circle, center: center, radius: ring, fill: nil, stroke: .black, opacity: 1))
      let box = Self.box(center, ring + 0.3)
      markerBoxes.append(box)
      grid.mark(box)
      hard.mark(box)
    }
    // Labels, greedily: beside the point first, then farther out with a leader line.
    for label in figure.labels {
      guard figure.x.accepts(label.point.x), figure.y.accepts(label.point.y) else {
        omitted.append(label.text)
        continue
      }
      let center = PagePoint(px(label.point.x), py(label.point.y))
      let width = Helvetica.width(label.text, size: font, bold: label.bold)
      let ascent = font * Helvetica.capHeight
      let descent = font * Helvetica.descender
      var chosen: (box: PageRect, leader: (PagePoint, PagePoint)?)?
      // Rings of candidates: the box's nearest point sits `distance` from the point at one of 16 angles; the
      // first ring touches the point's ring, the farther ones need a leader line. The 2 pt margin keeps the box
      // clear of the ring on the half-point grid.
      let distances = [0, 0.6, 1.5, 2.6, 4, 6, 9].map { ring + 2 + font * $0 }
      search: for (step, distance) in distances.enumerated() {
        for angle in Self.angles {
          let (c, s) = (cos(angle), -sin(angle))
          let anchor = PagePoint(center.x + distance * c, center.y + distance * s)
          let minX = c > 0.38 ? anchor.x : c < -0.38 ? anchor.x - width : anchor.x - width / 2
          let minY = s > 0.38 ? anchor.y : s < -0.38 ? anchor.y - ascent - descent : anchor.y - (ascent + descent) / 2
          let box = PageRect(minX: minX, minY: minY, maxX: minX + width, maxY: minY + ascent + descent)
          guard area.insetBy(1).contains(box), grid.isFree(box.insetBy(-0.5)) else { continue }
          if step == 0 {
            chosen = (box, nil)
            break search
          }
          // A leader from just outside the ring to the box's nearest point, clear of everything else beyond the
          // first half font size (where the point's own frontier lines leave it).
          let end = PagePoint(
            Swift.min(Swift.max(center.x, box.minX), box.maxX), Swift.min(Swift.max(center.y, box.minY), box.maxY))
          let length = hypot(end.x - center.x, end.y - center.y)
          func along(_ distance: Double) -> PagePoint {
            PagePoint(
              center.x + (end.x - center.x) * distance / length, center.y + (end.y - center.y) * distance / length)
          }
          let start = along(ring + 1.5)
          if hard.isFree(segment: along(ring + 1.5 + font * 0.5), end, halfWidth: 0.4) {
            chosen = (box, (start, end))
            break search
          }
        }
      }
      guard let (box, leader) = chosen else {
        omitted.append(label.text)
        continue
      }
      if let (start, end) = leader {
        marks.append(.polyline([start, end], stroke: .frame, lineWidth: 0.4, opacity: 1))
        grid.mark(segment: start, end, halfWidth: 0.5)
        hard.mark(segment: start, end, halfWidth: 0.5)
        leaders.append((start, end))
      }
      marks.append(
        .text(
          label.text, at: PagePoint(box.minX, box.minY + ascent), size: font, bold: label.bold, anchor: .start,
          vertical: false))
      placed.append((label.text, box))
      grid.mark(box.insetBy(-1))
      hard.mark(box.insetBy(-1))
    }

    // Legend rows, centred under the x title.
    for (rowIndex, row) in rows.enumerated() {
      let widths = row.map { swatch + font * 0.3 + Helvetica.width(entries[$0].name, size: font) }
      var x = (figure.width - (widths.reduce(0, +) + entryGap * Double(row.count - 1))) / 2
      let y = xTitleBaseline + titleSize * 0.5 + lineHeight * (Double(rowIndex) + 0.5)
      for (entry, width) in zip(row.map { entries[$0] }, widths) {
        let color = Self.palette[entry.series % Self.palette.count]
        let shape = MarkerShape.allCases[entry.series % MarkerShape.allCases.count]
        let middle = PagePoint(x + swatch / 2, y)
        if entry.line || !single {
          if entry.line {
            marks.append(
              .polyline([PagePoint(x, y), PagePoint(x + swatch, y)], stroke: color, lineWidth: font * 0.12, opacity: 1))
          }
          marks.append(
            .marker(shape, center: middle, radius: markerRadius * 1.35, fill: color, stroke: .black, opacity: 1))
        } else {
          marks.append(.marker(shape, center: middle, radius: markerRadius, fill: color, stroke: nil, opacity: 0.5))
        }
        marks.append(
          .text(
            entry.name, at: PagePoint(x + swatch + font * 0.3, y + font * Helvetica.capHeight / 2), size: font,
            bold: false, anchor: .start, vertical: false))
        x += width + entryGap
      }
    }
  }

  /// Candidate directions, radians counter-clockwise from +x: the diagonals first (a label reads best beside and
  /// above or below its point), then the axes, then the eight in between.
  static let angles: [Double] = [
    45.0, 135, 315, 225, 0, 180, 90, 270, 22.5, 157.5, 337.5, 202.5, 67.5, 112.5, 292.5, 247.5,
  ]
  .map { $0 * Double.pi / 180 }

  static func box(_ center: PagePoint, _ radius: Double) -> PageRect {
    PageRect(minX: center.x - radius, minY: center.y - radius, maxX: center.x + radius, maxY: center.y + radius)
  }
}

/// Which parts of the plot area are taken, on a grid of half-point cells; a cell is taken when anything drawn
/// touches it, so a box over free cells overlaps nothing.
struct Occupancy {
  let area: PageRect
  let columns: Int
  let rows: Int
  var taken: [Bool]
  static let cell = 0.5

  init(_ area: PageRect) {
    self.area = area
    columns = Swift.max(1, Int((area.width / Self.cell).rounded(.up)) + 1)
    rows = Swift.max(1, Int((area.height / Self.cell).rounded(.up)) + 1)
    taken = Array(repeating: false, count: columns * rows)
  }

  private func range(_ box: PageRect) -> (ClosedRange<Int>, ClosedRange<Int>)? {
    let c0 = Swift.max(0, Int(floor((box.minX - area.minX) / Self.cell)))
    let c1 = Swift.min(columns - 1, Int(floor((box.maxX - area.minX) / Self.cell)))
    let r0 = Swift.max(0, Int(floor((box.minY - area.minY) / Self.cell)))
    let r1 = Swift.min(rows - 1, Int(floor((box.maxY - area.minY) / Self.cell)))
    guard c0 <= c1, r0 <= r1 else { return nil }
    return (c0...c1, r0...r1)
  }

  mutating func mark(_ box: PageRect) {
    guard let (columnRange, rowRange) = range(box) else { return }
    for row in rowRange { for column in columnRange { taken[row * columns + column] = true } }
  }

  /// Marks every cell within `halfWidth` of the segment (boxes along it, a quarter cell apart).
  mutating func mark(segment a: PagePoint, _ b: PagePoint, halfWidth: Double) {
    let length = hypot(b.x - a.x, b.y - a.y)
    let steps = Swift.max(1, Int(length / (Self.cell / 4)))
    for step in 0...steps {
      let t = Double(step) / Double(steps)
      let point = PagePoint(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
      mark(FigureLayout.box(point, halfWidth))
    }
  }

  /// Whether every cell within `halfWidth` of the segment is free.
  func isFree(segment a: PagePoint, _ b: PagePoint, halfWidth: Double) -> Bool {
    let length = hypot(b.x - a.x, b.y - a.y)
    let steps = Swift.max(1, Int(length / (Self.cell / 4)))
    for step in 0...steps {
      let t = Double(step) / Double(steps)
      if !isFree(FigureLayout.box(PagePoint(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t), halfWidth)) { return false }
    }
    return true
  }

  func isFree(_ box: PageRect) -> Bool {
    guard let (columnRange, rowRange) = range(box) else { return true }
    for row in rowRange { for column in columnRange where taken[row * columns + column] { return false } }
    return true
  }
}
