import Foundation
import LatencyModel

/// The nodes of one model under a machine's roof, as SVG: log-log, arithmetic intensity (full FLOPs per byte) on x,
/// attained FLOP/s (full FLOPs over the predicted time) on y, one colour per node class, and the roof
/// `min(P, W·intensity)` of the profile's peak `P` and bandwidth `W` (calibrated classes sit below or above it by
/// their `e`, `m` and overhead).
struct RooflineFigure {
  struct Point {
    var nodeClass: NodeClass
    var intensity: Double
    var flopsPerSecond: Double
  }

  var title: String
  var peak: Double
  var bandwidth: Double
  var points: [Point]

  static let colors: [NodeClass: String] = [
    .stem: "#8c564b", .pointwise: "#1f77b4", .depthwise: "#d62728", .se: "#9467bd", .elementwise: "#2ca02c",
    .head: "#ff7f0e",
  ]

  func render() -> String {
    let (width, height, margin) = (640.0, 440.0, 70.0)
    let ridge = peak / bandwidth
    let xs = points.map(\.intensity) + [ridge]
    let ys = points.map(\.flopsPerSecond) + [peak]
    let (xLow, xHigh) = (log10(xs.min()! / 2), log10(xs.max()! * 2))
    let (yLow, yHigh) = (log10(ys.min()! / 2), log10(ys.max()! * 2))
    func px(_ x: Double) -> Double { margin + (log10(x) - xLow) / (xHigh - xLow) * (width - margin - 20) }
    func py(_ y: Double) -> Double {
      height - margin + 20 - (log10(y) - yLow) / (yHigh - yLow) * (height - margin - 40)
    }
    func f(_ v: Double) -> String { String(format: "%.1f", v) }
    var svg = [
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
        + "font-family=\"sans-serif\">",
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
      "<text x=\"\(f(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"13\">\(Self.escaped(title))</text>",
      "<rect x=\"\(f(px(pow(10, xLow))))\" y=\"\(f(py(pow(10, yHigh))))\" width=\"\(f(px(pow(10, xHigh)) - px(pow(10, xLow))))\" "
        + "height=\"\(f(py(pow(10, yLow)) - py(pow(10, yHigh))))\" fill=\"none\" stroke=\"#444\"/>",
    ]
    for exponent in Int(xLow.rounded(.up))...Int(xHigh.rounded(.down)) {
      let x = px(pow(10, Double(exponent)))
      svg.append(
        "<text x=\"\(f(x))\" y=\"\(f(height - margin + 36))\" text-anchor=\"middle\" font-size=\"10\">1e\(exponent)</text>"
      )
    }
    for exponent in Int(yLow.rounded(.up))...Int(yHigh.rounded(.down)) {
      let y = py(pow(10, Double(exponent)))
      svg.append(
        "<text x=\"\(f(margin - 6))\" y=\"\(f(y + 3))\" text-anchor=\"end\" font-size=\"10\">1e\(exponent)</text>")
    }
    svg.append(
      "<text x=\"\(f(width / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\" font-size=\"11\">"
        + "arithmetic intensity, full FLOPs per byte</text>")
    svg.append(
      "<text transform=\"translate(16,\(f(height / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"11\">"
        + "attained FLOP/s</text>")
    // The roof: bandwidth slope up to the ridge point, then the peak.
    let left = pow(10, xLow)
    let right = pow(10, xHigh)
    let roof = [(left, min(peak, bandwidth * left)), (max(left, ridge), peak), (right, peak)]
    svg.append(
      "<polyline points=\"" + roof.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
        + "\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.5\"/>")
    for point in points {
      svg.append(
        "<circle cx=\"\(f(px(point.intensity)))\" cy=\"\(f(py(point.flopsPerSecond)))\" r=\"2.5\" "
          + "fill=\"\(Self.colors[point.nodeClass]!)\" fill-opacity=\"0.7\"/>")
    }
    for (index, nodeClass) in NodeClass.allCases.enumerated() {
      let y = py(pow(10, yHigh)) + 16 + 14 * Double(index)
      svg.append(
        "<circle cx=\"\(f(px(pow(10, xLow)) + 12))\" cy=\"\(f(y - 3))\" r=\"3\" fill=\"\(Self.colors[nodeClass]!)\"/>"
          + "<text x=\"\(f(px(pow(10, xLow)) + 20))\" y=\"\(f(y))\" font-size=\"10\">\(nodeClass.rawValue)</text>")
    }
    svg.append("</svg>")
    return svg.joined(separator: "\n") + "\n"
  }

  static func escaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
  }
}
