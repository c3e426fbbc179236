import ArgumentParser
import SweepStore

extension ExportFormat: ExpressibleByArgument {}

extension X3DCost {
  /// `x3d-cost export --sweep NAME --format latex`: tables for papers.
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Export a sweep as RFC 4180 CSV (exact values), Markdown or a LaTeX booktabs table (GFLOPs, Params (M)).",
      discussion: """
        CSV keeps exact stored values under the columns' names. Markdown and LaTeX show headers in words with \
        units (GFLOPs = multiply-adds, the paper's FLOPs, in 10^9; Params (M); Memory (MiB)), values scaled and \
        rounded, and presets as the paper writes them (X3D-M). Rename a header with --columns NAME:Header.
        """)

    static let defaultColumns =
      "preset,frames,crop,width_factor,depth_factor,bottleneck_factor,macs,params_no_bn,params"

    @Option(help: "The sweep.") var sweep: String
    @Option(help: "csv, markdown or latex.") var format: ExportFormat = .csv
    @Option(help: "Comma-separated columns and metrics (metric@DATASET for one dataset), each NAME or NAME:Header.")
    var columns = Self.defaultColumns
    @Option(help: "Decimals of the scaled numeric columns (Markdown, LaTeX).") var precision: Int?
    @Flag(help: "Bold the best value of each cost (smallest) and metric column (Markdown, LaTeX).") var boldBest = false
    @Flag(help: "LaTeX: siunitx S columns aligned on the decimal point.") var siunitx = false
    @Flag(help: "LaTeX: scale the table to \\linewidth (\\resizebox, graphicx).") var fit = false
    @OptionGroup var store: StoreOptions

    func validate() throws {
      if let precision, !(0...9).contains(precision) {
        throw ValidationError("--precision \(precision) is not between 0 and 9")
      }
    }

    func run() throws {
      let results = try store.open(.readOnly)
      let specs = columns.split(separator: ",").map { String($0) }
      guard !specs.isEmpty else { throw UsageError("--columns is empty") }
      var resolved: [ResultColumn] = []
      var headers: [String?] = []
      for spec in specs {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        resolved.append(try results.column(named: parts[0]))
        headers.append(parts.count == 2 ? parts[1] : nil)
      }
      let table = try results.table(sweep: sweep, columns: resolved)
      let options = ExportOptions(precision: precision, boldBest: boldBest, siunitx: siunitx, fit: fit)
      let exported = ExportTable(
        columns: resolved, headers: headers, result: table, notes: try Self.notes(results, sweep, resolved))
      print(exported.render(format, options), terminator: "")
    }

    /// Which dataset and test protocol each metric column comes from, and the sweep's own views.
    static func notes(_ results: ResultsStore, _ sweep: String, _ columns: [ResultColumn]) throws -> [String] {
      var notes: [String] = []
      let views = try results.datasetViews()
      for column in columns {
        guard case .measurement(let metric, let named) = column.source else { continue }
        guard let dataset = try named ?? results.datasets(measuring: metric, sweep: sweep).first else { continue }
        let protocolText =
          views[dataset].map { "\($0.description) views (\($0.count) per video)" } ?? "views not recorded"
        notes.append("\(column.display.header): dataset \(dataset), \(protocolText)")
      }
      let sweepViews = try results.views(sweep: sweep)
      if sweepViews != .single {
        notes.append(
          "Costs are per view; the sweep is tested with \(sweepViews.description) views: × \(sweepViews.count) per video"
        )
      }
      return notes
    }
  }
}
