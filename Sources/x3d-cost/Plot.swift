import ArgumentParser
import CostModel
import Foundation
import LatencyModel
import SweepStore

extension X3DCost {
  /// `x3d-cost plot --sweep NAME --x macs --y top1 --out curve.svg`.
  struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Write an SVG scatter plot of a sweep with its Pareto frontier and the presets annotated.")

    @Option(help: "The sweep.") var sweep: String?
    @Option(help: "x axis column (minimised on the frontier).") var x = "macs"
    @Option(help: "y axis column or metric.") var y: String?
    @Flag(exclusivity: .exclusive, help: "Whether y is maximised or minimised on the frontier.")
    var direction: Pareto.Direction?
    @Flag(help: "Logarithmic x axis.") var logX = false
    @Flag(help: "Logarithmic y axis.") var logY = false
    @Option(help: "Output SVG file.") var out: String
    @Option(help: "Title (default: the sweep and axes).") var title: String?
    @OptionGroup var store: StoreOptions
    @Flag(help: "Instead of a sweep: the nodes of the model flags' network under --hardware's roof.")
    var roofline = false
    @Option(help: ArgumentHelp("Hardware profile for --roofline.", valueName: "NAME|FILE")) var hardware: String?
    @Option(help: "Element type for --roofline.") var dtype: ElementType = .f32
    @OptionGroup(title: "Model (with --roofline)") var model: ModelOptions

    func validate() throws {
      if roofline {
        guard hardware != nil, sweep == nil else {
          throw ValidationError("--roofline draws one model on --hardware NAME|FILE; it takes no --sweep")
        }
      } else {
        guard sweep != nil else { throw ValidationError("Missing expected argument '--sweep <sweep>'") }
        guard y != nil else { throw ValidationError("Missing expected argument '--y <y>'") }
      }
    }

    func run() throws {
      if roofline { return try drawRoofline() }
      let (sweep, y) = (self.sweep!, self.y!)
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

    /// `--roofline`: every node of the model but the input, at its intensity and predicted attained FLOP/s.
    private func drawRoofline() throws {
      let profile = try HardwareProfile.load(hardware!)
      let roof = try Roofline(profile, elementType: dtype)
      let configuration = try model.resolve()
      let report = try CostReport(configuration, elementType: dtype, perLayer: true)
      let rows = try roof.predict(rows: report.layers)
      var points: [RooflineFigure.Point] = []
      for (row, latency) in zip(report.layers, rows) {
        guard let nodeClass = NodeClass(row.node), latency.prediction.seconds > 0, latency.traffic.bytes > 0,
          row.cost[.flops] > 0
        else { continue }
        points.append(
          RooflineFigure.Point(
            nodeClass: nodeClass, intensity: latency.traffic.arithmeticIntensity(flops: row.cost[.flops]),
            flopsPerSecond: Double(row.cost[.flops]) / latency.prediction.seconds))
      }
      let figure = RooflineFigure(
        title: title
          ?? "\(configuration.frames)×\(configuration.evaluatedCrop)² on \(profile.name) (\(dtype.rawValue))",
        peak: try profile.peak(dtype), bandwidth: profile.memoryBytesPerSecond, points: points)
      do {
        try figure.render().write(toFile: out, atomically: true, encoding: .utf8)
      } catch {
        throw UsageError("cannot write \(out): \(error.localizedDescription)")
      }
      print("wrote \(out): \(points.count) nodes under the roof of \(profile.name)")
    }
  }
}
