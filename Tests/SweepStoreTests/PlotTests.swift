import Foundation
import SweepStore
import Testing

/// The SVG: points, frontier, units on the axes, presets annotated, log scales.
struct PlotTests {
  func plot(_ y: String, logX: Bool = false) throws -> (ScatterPlot, String) {
    let store = try ResultsStore.inMemory()
    try StandardResults.regenerate(into: store, evaluator: costModel, toolVersion: "test")
    let (xColumn, yColumn) = (try store.column(named: "macs"), try store.column(named: y))
    let points = try store.points(
      sweep: y.hasPrefix("top1") ? "presets" : "standard", x: xColumn, y: yColumn)
    var plot = ScatterPlot(
      title: "test", x: xColumn, y: yColumn, points: points,
      frontier: ParetoFrontier.frontier(points, maximizeY: yColumn.higherIsBetter))
    plot.logX = logX
    return (plot, plot.render())
  }

  @Test func svgHasPointsFrontierAxesAndPresets() throws {
    let (plot, svg) = try plot("top1")
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(svg.hasSuffix("</svg>\n"))
    #expect(svg.components(separatedBy: "fill-opacity=\"0.6\"").count - 1 == plot.points.count)
    #expect(svg.components(separatedBy: "<polyline").count == 2)
    #expect(
      svg.contains("multiply-adds (conv + linear, the paper&#39;s FLOPs) [MACs]")
        || svg.contains("[MACs]"))
    #expect(svg.contains("top1 [%]"))
    for preset in ["X3D-XS", "X3D-S", "X3D-M", "X3D-L", "X3D-XL"] {
      #expect(svg.contains(">\(preset)<"))
    }
    for dataset in [
      "paper-table3", "slowfast-model-zoo", "pytorchvideo-model-zoo", "Pareto frontier",
    ] {
      #expect(svg.contains(">\(dataset)<"))
    }
  }

  @Test func logScaleTicksAreDecadesAndLabelled() throws {
    let (_, svg) = try plot("params", logX: true)
    #expect(svg.contains("log scale"))
    for tick in [">10M<", ">100M<", ">1G<", ">10G<", ">100G<"] {
      #expect(svg.contains(tick), "\(tick)")
    }
  }

  @Test func renderingIsDeterministic() throws {
    #expect(try plot("top1").1 == plot("top1").1)
  }
}
