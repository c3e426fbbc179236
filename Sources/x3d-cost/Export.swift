import ArgumentParser
import SweepStore

extension ExportFormat: ExpressibleByArgument {}

extension X3DCost {
  /// `x3d-cost export --sweep NAME --format latex`: tables for papers.
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Export a sweep as RFC 4180 CSV (exact values), Markdown or a LaTeX booktabs table (GMACs, M params)."
    )

    static let defaultColumns =
      "preset,frames,crop,width_factor,depth_factor,bottleneck_factor,macs,params_no_bn,params"

    @Option(help: "The sweep.") var sweep: String
    @Option(help: "csv, markdown or latex.") var format: ExportFormat = .csv
    @Option(help: "Comma-separated columns and metrics (metric@DATASET for one dataset).")
    var columns = Self.defaultColumns
    @OptionGroup var store: StoreOptions

    func run() throws {
      let results = try store.open(.readOnly)
      let names = columns.split(separator: ",").map { String($0) }
      guard !names.isEmpty else { throw UsageError("--columns is empty") }
      let resolved = try names.map { try results.column(named: $0) }
      let table = try results.table(sweep: sweep, columns: resolved)
      print(ExportTable(columns: resolved, result: table).render(format), terminator: "")
    }
  }
}
