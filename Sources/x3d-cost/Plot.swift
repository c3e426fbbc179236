import ArgumentParser
import Foundation
import SweepStore

extension X3DCost {
  /// `x3d-cost plot --sweep NAME --x macs --y top1 --out curve.svg`.
  struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Write an SVG scatter plot of a sweep with its Pareto frontier and the presets annotated.")

    @Option(help: "The sweep.") var sweep: String
    @Option(help: "x axis column (minimised on the frontier).") var x = "macs"
    @Option(help: "y axis column or metric.") var y: String
    @Flag(exclusivity: .exclusive, help: "Whether y is maximised or minimised on the frontier.")
    var direction: Pareto.Direction?
    @Flag(help: "Logarithmic x axis.") var logX = false
    @Flag(help: "Logarithmic y axis.") var logY = false
    @Option(help: "Output SVG file.") var out: String
    @Option(help: "Title (default: the sweep and axes).") var title: String?
    @OptionGroup var store: StoreOptions

    func run() throws {
      let results = try store.open(.readOnly)
      let xColumn = try results.column(named: x)
      let yColumn = try results.column(named: y)
      let maximize = direction.map { $0 == .maximize } ?? yColumn.higherIsBetter
      let points = try results.points(sweep: sweep, x: xColumn, y: yColumn)
      guard !points.isEmpty else {
        throw UsageError("sweep '\(sweep)' has no points with both \(x) and \(y)")
      }
      var plot = ScatterPlot(
        title: title ?? "\(sweep): \(y) vs \(x)", x: xColumn, y: yColumn, points: points,
        frontier: ParetoFrontier.frontier(points, maximizeY: maximize))
      plot.logX = logX
      plot.logY = logY
      do {
        try plot.render().write(toFile: out, atomically: true, encoding: .utf8)
      } catch {
        throw UsageError("cannot write \(out): \(error.localizedDescription)")
      }
      print("wrote \(out): \(points.count) points, \(plot.frontier.count) on the frontier")
    }
  }
}
