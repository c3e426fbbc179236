import Foundation
import X3DModel

/// An SVG scatter plot of a sweep: every point, the Pareto frontier drawn as a line, axes labelled with their
/// units, optional log scales, and the presets annotated. The output is deterministic (same points, same bytes).
public struct ScatterPlot: Sendable {
  public var title: String
  public var x: ResultColumn
  public var y: ResultColumn
  public var points: [PlotPoint]
  public var frontier: [PlotPoint]
  public var logX = false
  public var logY = false
  public var width = 860.0
  public var height = 580.0

  public init(
    title: String, x: ResultColumn, y: ResultColumn, points: [PlotPoint], frontier: [PlotPoint]
  ) {
    self.title = title
    self.x = x
    self.y = y
    self.points = points
    self.frontier = frontier
  }

  private static let palette = ["#4C72B0", "#55A868", "#8172B2", "#CCB974", "#64B5CD", "#8C8C8C"]
  private static let frontierColor = "#C44E52"
  private let margin = (left: 96.0, right: 36.0, top: 56.0, bottom: 76.0)

  /// The SVG document.
  public func render() -> String {
    let usable = points.filter { isPlottable($0.x, log: logX) && isPlottable($0.y, log: logY) }
    let xAxis = PlotAxis(values: usable.map(\.x), log: logX)
    let yAxis = PlotAxis(values: usable.map(\.y), log: logY)
    let plotWidth = width - margin.left - margin.right
    let plotHeight = height - margin.top - margin.bottom
    func px(_ value: Double) -> Double { margin.left + xAxis.fraction(value) * plotWidth }
    func py(_ value: Double) -> Double { margin.top + (1 - yAxis.fraction(value)) * plotHeight }

    var svg: [String] = [
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
        + "viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">",
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
      "<text x=\"\(f(width / 2))\" y=\"28\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">"
        + "\(escaped(title))</text>",
    ]
    // Grid and ticks.
    for tick in xAxis.ticks {
      let x = px(tick)
      svg.append(line(x, margin.top, x, margin.top + plotHeight, stroke: "#e6e6e6"))
      svg.append(
        "<text x=\"\(f(x))\" y=\"\(f(margin.top + plotHeight + 18))\" text-anchor=\"middle\">"
          + "\(escaped(PlotAxis.label(tick)))</text>")
    }
    for tick in yAxis.ticks {
      let y = py(tick)
      svg.append(line(margin.left, y, margin.left + plotWidth, y, stroke: "#e6e6e6"))
      svg.append(
        "<text x=\"\(f(margin.left - 8))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(escaped(PlotAxis.label(tick)))</text>"
      )
    }
    svg.append(
      "<rect x=\"\(f(margin.left))\" y=\"\(f(margin.top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" "
        + "fill=\"none\" stroke=\"#333\"/>")
    svg.append(
      "<text x=\"\(f(margin.left + plotWidth / 2))\" y=\"\(f(height - 22))\" text-anchor=\"middle\" font-size=\"13\">"
        + "\(escaped(axisTitle(x, log: logX)))</text>")
    let yMid = margin.top + plotHeight / 2
    svg.append(
      "<text x=\"22\" y=\"\(f(yMid))\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 22 \(f(yMid)))\">"
        + "\(escaped(axisTitle(y, log: logY)))</text>")

    // Points, one colour per dataset.
    let pointRadius = usable.count <= 200 ? 4.5 : 3
    let series = seriesNames(usable)
    for point in usable {
      let color = Self.palette[
        (series.firstIndex(of: point.dataset ?? "") ?? 0) % Self.palette.count]
      svg.append(
        "<circle cx=\"\(f(px(point.x)))\" cy=\"\(f(py(point.y)))\" r=\"\(f(pointRadius))\" fill=\"\(color)\" "
          + "fill-opacity=\"0.6\">"
          + "<title>\(escaped(tooltip(point)))</title></circle>")
    }
    // Frontier.
    let front = frontier.filter { isPlottable($0.x, log: logX) && isPlottable($0.y, log: logY) }
    if !front.isEmpty {
      let path = front.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
      svg.append(
        "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(Self.frontierColor)\" stroke-width=\"2\"/>"
      )
      for point in front {
        svg.append(
          "<circle cx=\"\(f(px(point.x)))\" cy=\"\(f(py(point.y)))\" r=\"\(f(pointRadius + 1))\" fill=\"\(Self.frontierColor)\">"
            + "<title>\(escaped(tooltip(point)))</title></circle>")
      }
    }
    // Presets: a ring on each of their points, the name once, beside the best of them.
    let radius = pointRadius
    var labelled: [Preset: PlotPoint] = [:]
    for point in usable {
      guard let preset = point.preset else { continue }
      svg.append(
        "<circle cx=\"\(f(px(point.x)))\" cy=\"\(f(py(point.y)))\" r=\"\(f(radius + 3))\" fill=\"none\" "
          + "stroke=\"black\" stroke-width=\"1.2\"/>")
      if let current = labelled[preset], current.y >= point.y { continue }
      labelled[preset] = point
    }
    for preset in Preset.allCases {
      guard let point = labelled[preset] else { continue }
      let (cx, cy) = (px(point.x), py(point.y))
      let nearRight = cx > margin.left + plotWidth * 0.85
      svg.append(
        "<text x=\"\(f(nearRight ? cx - 10 : cx + 10))\" y=\"\(f(cy - 8))\" text-anchor=\"\(nearRight ? "end" : "start")\" "
          + "font-size=\"12\" font-weight=\"bold\">\(escaped(PlotPoint.displayName(preset)))</text>"
      )
    }
    svg += legend(series: series, x: margin.left + 12, y: margin.top + 16)
    svg.append("</svg>")
    return svg.joined(separator: "\n") + "\n"
  }

  private func legend(series: [String], x: Double, y: Double) -> [String] {
    var items: [(String, String)] = series.enumerated().map {
      (
        Self.palette[$0.offset % Self.palette.count],
        $0.element.isEmpty ? "configurations" : $0.element
      )
    }
    items.append((Self.frontierColor, "Pareto frontier"))
    let boxWidth = 14 + 7.2 * Double(items.map(\.1.count).max() ?? 0) + 24
    var out = [
      "<rect x=\"\(f(x - 6))\" y=\"\(f(y - 14))\" width=\"\(f(boxWidth))\" height=\"\(f(Double(items.count) * 18 + 8))\" "
        + "fill=\"white\" fill-opacity=\"0.85\" stroke=\"#999\"/>"
    ]
    for (index, item) in items.enumerated() {
      let rowY = y + Double(index) * 18
      out.append("<circle cx=\"\(f(x + 5))\" cy=\"\(f(rowY - 4))\" r=\"4\" fill=\"\(item.0)\"/>")
      out.append("<text x=\"\(f(x + 16))\" y=\"\(f(rowY))\">\(escaped(item.1))</text>")
    }
    return out
  }

  private func seriesNames(_ points: [PlotPoint]) -> [String] {
    var names: [String] = []
    for point in points where !names.contains(point.dataset ?? "") {
      names.append(point.dataset ?? "")
    }
    return names.isEmpty ? [""] : names
  }

  private func axisTitle(_ column: ResultColumn, log: Bool) -> String {
    column.label + (column.unit.isEmpty ? "" : " [\(column.unit)]") + (log ? ", log scale" : "")
  }

  private func tooltip(_ point: PlotPoint) -> String {
    "\(point.label)\(point.dataset.map { " · \($0)" } ?? ""): \(x.name) \(PlotAxis.label(point.x)), "
      + "\(y.name) \(PlotAxis.label(point.y))"
  }

  private func isPlottable(_ value: Double, log: Bool) -> Bool {
    value.isFinite && (!log || value > 0)
  }

  private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String)
    -> String
  {
    "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\"/>"
  }

  private func f(_ value: Double) -> String { String(format: "%.1f", value) }

  private func escaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }
}
