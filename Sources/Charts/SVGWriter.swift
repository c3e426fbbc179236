import Foundation

/// Writes a laid-out figure as an SVG document, one element per mark, sizes in points. The output is deterministic
/// (same figure, same bytes). Text uses Helvetica (Arial where it is missing: the same widths).
public enum SVGWriter {
  public static func document(_ figure: Figure, _ layout: FigureLayout) -> String {
    let (w, h) = (n(figure.width), n(figure.height))
    var out = [
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)pt\" height=\"\(h)pt\" viewBox=\"0 0 \(w) \(h)\" "
        + "font-family=\"Helvetica, Arial, sans-serif\">",
      "<rect width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>",
    ]
    for mark in layout.marks { out.append(element(mark)) }
    out.append("</svg>")
    return out.joined(separator: "\n") + "\n"
  }

  static func element(_ mark: Mark) -> String {
    switch mark {
    case .rect(let box, let fill, let stroke, let lineWidth, let opacity):
      return "<rect x=\"\(n(box.minX))\" y=\"\(n(box.minY))\" width=\"\(n(box.width))\" height=\"\(n(box.height))\""
        + paint(fill: fill, stroke: stroke, lineWidth: lineWidth, opacity: opacity) + "/>"
    case .polyline(let points, let stroke, let lineWidth, let opacity):
      return "<polyline points=\"\(points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " "))\""
        + paint(fill: nil, stroke: stroke, lineWidth: lineWidth, opacity: opacity) + " stroke-linejoin=\"round\"/>"
    case .marker(let shape, let center, let radius, let fill, let stroke, let opacity):
      let style = paint(fill: fill, stroke: stroke, lineWidth: 0.4, opacity: opacity)
      if shape == .circle {
        return "<circle cx=\"\(n(center.x))\" cy=\"\(n(center.y))\" r=\"\(n(radius))\"\(style)/>"
      }
      let points = MarkerPath.polygon(shape, center: center, radius: radius)
      return "<polygon points=\"\(points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " "))\"\(style)/>"
    case .text(let text, let at, let size, let bold, let anchor, let vertical):
      let anchorName = anchor == .start ? "start" : anchor == .middle ? "middle" : "end"
      var element = "<text x=\"\(n(at.x))\" y=\"\(n(at.y))\" font-size=\"\(n(size))\""
      if anchor != .start { element += " text-anchor=\"\(anchorName)\"" }
      if bold { element += " font-weight=\"bold\"" }
      if vertical { element += " transform=\"rotate(-90 \(n(at.x)) \(n(at.y)))\"" }
      return element + ">\(escaped(text))</text>"
    }
  }

  private static func paint(fill: RGB?, stroke: RGB?, lineWidth: Double, opacity: Double) -> String {
    var out = " fill=\"\(fill.map(hex) ?? "none")\""
    if let stroke { out += " stroke=\"\(hex(stroke))\" stroke-width=\"\(n(lineWidth))\"" }
    if opacity < 1 { out += " opacity=\"\(n(opacity))\"" }
    return out
  }

  static func hex(_ color: RGB) -> String {
    String(format: "#%02x%02x%02x", color.red, color.green, color.blue)
  }

  /// A number with at most two decimals and no trailing zeros.
  static func n(_ value: Double) -> String {
    var text = String(format: "%.2f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text == "-0" ? "0" : text
  }

  static func escaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }
}

/// Marker outlines as polygons (all but the circle).
enum MarkerPath {
  static func polygon(_ shape: MarkerShape, center c: PagePoint, radius r: Double) -> [PagePoint] {
    switch shape {
    case .circle, .square:
      let s = r * 0.9
      return [
        PagePoint(c.x - s, c.y - s), PagePoint(c.x + s, c.y - s), PagePoint(c.x + s, c.y + s),
        PagePoint(c.x - s, c.y + s),
      ]
    case .triangle:
      return [PagePoint(c.x, c.y - r * 1.15), PagePoint(c.x + r, c.y + r * 0.75), PagePoint(c.x - r, c.y + r * 0.75)]
    case .triangleDown:
      return [PagePoint(c.x, c.y + r * 1.15), PagePoint(c.x + r, c.y - r * 0.75), PagePoint(c.x - r, c.y - r * 0.75)]
    case .diamond:
      return [
        PagePoint(c.x, c.y - r * 1.2), PagePoint(c.x + r, c.y), PagePoint(c.x, c.y + r * 1.2), PagePoint(c.x - r, c.y),
      ]
    }
  }
}
