import ArgumentParser
import Charts
import CostModel
import Foundation
import LatencyModel
import SweepStore

extension X3DCost {
  /// `x3d-cost plot --sweep NAME --x macs --y top1 --out curve.pdf`.
  struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a scatter plot of a sweep with its Pareto frontier and the presets labelled, as PDF or SVG.",
      discussion: """
        The format follows the extension of --out (.pdf or .svg). The points stream from the database, so a sweep \
        of any size plots in constant memory: up to 5,000 points a series are drawn one by one, more as a density. \
        Several --y columns, or --series, draw one series each (own marker, colour, frontier and legend entry). \
        Labels never overlap each other, a marker or a frontier; a label that fits nowhere is left out and named.
        """)

    @Option(help: "The sweep.") var sweep: String?
    @Option(help: "x axis column (minimised on the frontier).") var x = "macs"
    @Option(help: "y axis column or metric; repeat for several series.") var y: [String] = []
    @Option(
      help: ArgumentHelp(
        "Split points into series: none, dataset, impl (implementation) or preset.",
        discussion: "Default: dataset when a metric is measured by several datasets (test protocols are never mixed)."))
    var series: SeriesKind?
    @Flag(exclusivity: .exclusive, help: "Whether y is maximised or minimised on the frontier.")
    var direction: Pareto.Direction?
    @Flag(help: "Logarithmic x axis.") var logX = false
    @Flag(help: "Logarithmic y axis.") var logY = false
    @Option(help: "Output file: .pdf or .svg.") var out: String
    @Option(help: "Figure width: 3.3in (one column), 7in, 17cm, 240pt.") var width = "6in"
    @Option(help: "Figure height (default: 3/4 of the width).") var height: String?
    @Option(help: "Title (default: none, as figures in papers have captions).") var title: String?
    @Option(help: "Which points get labels: presets, frontier or none.") var labels: LabelKind = .presets

    enum SeriesKind: String, ExpressibleByArgument, CaseIterable {
      case none, dataset, implementation, preset
      init?(argument: String) { self.init(rawValue: argument == "impl" ? "implementation" : argument) }
    }
    enum LabelKind: String, ExpressibleByArgument, CaseIterable { case presets, frontier, none }

    @OptionGroup var store: StoreOptions
    @Flag(help: "Instead of a sweep: the nodes of the model flags' network under --hardware's roof (SVG).")
    var roofline = false
    @Option(help: ArgumentHelp("Hardware profile for --roofline.", valueName: "NAME|FILE")) var hardware: String?
    @Option(help: "Element type for --roofline.") var dtype: ElementType = .f32
    @OptionGroup(title: "Model (with --roofline)") var model: ModelOptions

    func validate() throws {
      if roofline {
        guard hardware != nil, sweep == nil, y.isEmpty else {
          throw ValidationError("--roofline draws one model on --hardware NAME|FILE; it takes no --sweep or --y")
        }
        guard out.lowercased().hasSuffix(".svg") else {
          throw ValidationError("cannot write '\(out)': --roofline writes .svg")
        }
        return
      }
      guard sweep != nil else { throw ValidationError("Missing expected argument '--sweep <sweep>'") }
      guard !y.isEmpty else { throw ValidationError("Missing expected argument '--y <y>'") }
      guard FigureFormat(path: out) != nil else {
        throw ValidationError(
          "cannot write '\(out)': the formats are \(FigureFormat.allCases.map { "." + $0.rawValue }.joined(separator: ", "))"
        )
      }
      // 1 in to 100 in: smaller leaves no room for the axes, larger is no page.
      for (name, value) in [("--width", width), ("--height", height)] {
        guard let value, let points = PageLength.points(value) else { continue }
        guard (72...7200).contains(points) else {
          throw ValidationError("\(name) '\(value)' is outside 1in…100in")
        }
      }
      guard PageLength.points(width) != nil else {
        throw ValidationError("--width '\(width)' is not a length (3.3in, 17cm, 240pt)")
      }
      if let height, PageLength.points(height) == nil {
        throw ValidationError("--height '\(height)' is not a length (2.5in, 6cm, 180pt)")
      }
      guard !y.isEmpty else { throw ValidationError("give at least one --y") }
    }

    func run() throws {
      if roofline { return try drawRoofline() }
      let sweep = self.sweep!
      let format = FigureFormat(path: out)!
      let results = try store.open(.readOnly)
      let xColumn = try results.column(named: x)
      let yColumns = try y.map { try results.column(named: $0) }
      let split: PointSeries
      let unqualifiedMetric = ([xColumn] + yColumns).contains {
        if case .measurement(_, nil) = $0.source { true } else { false }
      }
      switch series ?? (unqualifiedMetric ? .dataset : .none) {
      case .none: split = .none
      case .dataset:
        guard ([xColumn] + yColumns).contains(where: { if case .measurement = $0.source { true } else { false } })
        else { throw UsageError("--series dataset needs a measured column (top1, latency_ms …) on an axis") }
        split = .dataset
      case .implementation: split = .column(try results.column(named: "implementation"))
      case .preset: split = .column(try results.column(named: "preset"))
      }

      // One ordered pass per y column: the frontiers, and every point into its series' cloud, which keeps its
      // range, so the axes are made afterwards.
      var figureSeries: [FigureSeries] = []
      var nonFinite = 0
      var finite = 0
      var frontierCount = 0
      var labelPoints: [(name: String, point: FigurePoint)] = []
      // A dataset series names its test protocol: accuracies over 10×1 and 10×3 views are different numbers.
      let datasetViews = try results.datasetViews()
      for column in yColumns {
        let maximize = direction.map { $0 == .maximize } ?? column.higherIsBetter
        var clouds: [PointCloud] = []
        let result = try results.pareto(sweep: sweep, x: xColumn, y: column, maximizeY: maximize, series: split) {
          px, py, slot in
          while clouds.count <= slot { clouds.append(PointCloud(logX: logX, logY: logY)) }
          clouds[slot].add(FigurePoint(x: px, y: py))
        }
        nonFinite += result.nonFinite
        finite += result.finite
        // Series in name order, so that the legend does not depend on which series has the cheapest point.
        for (index, name) in result.series.enumerated().sorted(by: { $0.element < $1.element }) {
          let shown = datasetViews[name].map { "\(name) (\($0.description) views)" } ?? name
          // A column of one dataset (`top1@paper-table3`) names its views too.
          var columnName = column.name
          if case .measurement(_, let dataset?) = column.source, let views = datasetViews[dataset] {
            columnName += " (\(views.description) views)"
          }
          let label = yColumns.count > 1 ? (name.isEmpty ? columnName : "\(columnName) · \(shown)") : shown
          let frontier = result.frontiers[index].map { FigurePoint(x: $0.x, y: $0.y) }
          frontierCount += frontier.count
          figureSeries.append(
            FigureSeries(
              name: label, cloud: index < clouds.count ? clouds[index] : PointCloud(logX: logX, logY: logY),
              frontier: frontier))
        }
        switch labels {
        case .presets:
          // One label per preset, at its best point over the series.
          let presets = try results.presetPoints(sweep: sweep, x: xColumn, y: column)
          for point in presets where point.x.isFinite && point.y.isFinite {
            let name = PlotPoint.displayName(point.preset!)
            if let existing = labelPoints.firstIndex(where: { $0.name == name }) {
              let better = maximize ? point.y > labelPoints[existing].point.y : point.y < labelPoints[existing].point.y
              if better { labelPoints[existing].point = FigurePoint(x: point.x, y: point.y) }
            } else {
              labelPoints.append((name, FigurePoint(x: point.x, y: point.y)))
            }
          }
        case .frontier:
          for point in result.allFrontierPoints {
            labelPoints.append(
              (point.preset.map(PlotPoint.displayName) ?? point.label, FigurePoint(x: point.x, y: point.y)))
          }
        case .none: break
        }
      }
      let xRanges = figureSeries.compactMap(\.cloud.xRange)
      let yRanges = figureSeries.compactMap(\.cloud.yRange)
      guard let xLow = xRanges.map(\.lowerBound).min(), let xHigh = xRanges.map(\.upperBound).max(),
        let yLow = yRanges.map(\.lowerBound).min(), let yHigh = yRanges.map(\.upperBound).max()
      else {
        throw UsageError(
          "sweep '\(sweep)' has no points with both \(x) and \(y.joined(separator: ", "))"
            + (logX || logY ? " that a log scale can show" : ""))
      }
      let xDisplay = xColumn.display
      let yDisplay = yColumns[0].display
      let xAxis = ChartAxis(
        title: xDisplay.axisTitle, minimum: xLow, maximum: xHigh, log: logX, divisor: xDisplay.divisor)
      let yTitle =
        yColumns.count == 1 || Set(yColumns.map(\.display.axisTitle)).count == 1
        ? yDisplay.axisTitle : yColumns.map(\.display.axisTitle).joined(separator: ", ")
      let yAxis = ChartAxis(title: yTitle, minimum: yLow, maximum: yHigh, log: logY, divisor: yDisplay.divisor)
      let pageWidth = PageLength.points(width)!
      let figure = Figure(
        x: xAxis, y: yAxis, series: figureSeries,
        labels: labelPoints.map { FigureLabel(text: $0.name, point: $0.point) }, title: title, width: pageWidth,
        height: height.flatMap(PageLength.points))
      let (bytes, layout) = figure.rendered(format)
      do {
        try Data(bytes).write(to: URL(fileURLWithPath: out), options: .atomic)
      } catch {
        throw UsageError("cannot write \(out): \(error.localizedDescription)")
      }
      let shown = figureSeries.reduce(0) { $0 + $1.cloud.count }  // the rest are not positive on a log axis
      var summary = "wrote \(out): \(finite) points in \(figureSeries.count) series, \(frontierCount) on the frontier"
      summary += "\(figureSeries.count == 1 ? "" : "s")"
      if finite > shown { summary += "; \(finite - shown) not positive, left off the log scale" }
      print(summary)
      if let note = Pareto.nonFiniteNote(nonFinite) { print(note) }
      if !layout.omitted.isEmpty {
        print("labels left out (no free place next to their points): \(layout.omitted.joined(separator: ", "))")
      }
    }

    private func drawRoofline() throws {
      let profile = try HardwareProfile.load(hardware!)
      let roof = try Roofline(profile, elementType: dtype)
      let configuration = try model.resolve()
      let report = try CostReport(configuration, elementType: dtype, perLayer: true)
      let rows = roof.predict(rows: report.layers)
      var points: [RooflineFigure.Point] = []
      for (row, latency) in zip(report.layers, rows) {
        guard let nodeClass = NodeClass(row.node), latency.prediction.seconds > 0, latency.bytes > 0,
          row.cost[.flops] > 0
        else { continue }
        points.append(
          RooflineFigure.Point(
            nodeClass: nodeClass, intensity: latency.arithmeticIntensity(flops: row.cost[.flops]),
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
