import ArgumentParser
import Foundation
import SweepStore

extension X3DCost {
  /// `x3d-cost pareto --sweep NAME --x macs --y top1`: the trade-off frontier.
  struct Pareto: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the Pareto frontier of a sweep: x minimised, y maximised or minimised.",
      discussion: """
        Columns: any numeric column of configs (macs, params, activations, inference_peak_bytes …) or a metric \
        (top1, latency_ms …; top1@DATASET for one dataset's values). A metric measured by several datasets gives \
        one frontier per dataset, so that accuracies of different test protocols (10×1 views in the paper's table, \
        10×3 in the model zoos) are never compared; the views column says which protocol each row used. The rows \
        stream from the database in x order: memory does not grow with the sweep.
        """)

    @Option(help: "The sweep.") var sweep: String
    @Option(help: "The cost on the x axis (minimised).") var x = "macs"
    @Option(help: "The other objective.") var y: String
    @Flag(
      exclusivity: .exclusive,
      help: "Whether y is maximised or minimised (default: the metric's direction).")
    var direction: Direction?
    @Option(help: "table, csv, json or markdown.") var format: OutputFormat = .table
    @OptionGroup var store: StoreOptions

    enum Direction: String, EnumerableFlag { case maximize, minimize }

    func run() throws {
      let results = try store.open(.readOnly)
      let xColumn = try results.column(named: x)
      let yColumn = try results.column(named: y)
      let maximize = direction.map { $0 == .maximize } ?? yColumn.higherIsBetter
      let measured = [xColumn, yColumn].contains { if case .measurement = $0.source { true } else { false } }
      let pareto = try results.pareto(
        sweep: sweep, x: xColumn, y: yColumn, maximizeY: maximize, series: measured ? .dataset : .none)
      let views = try results.datasetViews()
      var rows: [[QueryResult.Cell]] = []
      for point in pareto.frontiers.flatMap({ $0 }) {
        rows.append([
          .text(point.preset.map(PlotPoint.displayName) ?? ""), .text(point.label),
          .text(point.dataset ?? ""), .text(point.dataset.flatMap { views[$0]?.description } ?? ""),
          Self.cell(point.x), Self.cell(point.y), .text(point.configKey),
        ])
      }
      let result = QueryResult(
        columns: ["preset", "configuration", "dataset", "views", x, y, "key"], rows: rows)
      print(Query.render(result, format), terminator: "")
      if let note = Self.nonFiniteNote(pareto.nonFinite) {
        FileHandle.standardError.write(Data((note + "\n").utf8))
      }
    }

    /// `3 points with non-finite values left out`, or nil when there were none.
    static func nonFiniteNote(_ count: Int) -> String? {
      count == 0 ? nil : "\(count) point\(count == 1 ? "" : "s") with non-finite values left out"
    }

    static func cell(_ value: Double) -> QueryResult.Cell {
      value == value.rounded() && abs(value) < 0x1p62 ? .integer(Int64(value)) : .real(value)
    }
  }
}
