import ArgumentParser
import Foundation
import SweepStore

extension X3DCost {
  /// `x3d-cost import --sweep NAME FILE.csv`: attaches measurements to a sweep's configurations.
  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Attach measured metrics (top-1, latency, memory …) from a CSV file to configurations of a sweep.",
      discussion: """
        The header names hyperparameter columns (preset, implementation, gamma_tau … gamma_d, frames, crop, \
        test_crop, width_factor, depth_factor, bottleneck_factor, classes, batch) and metric columns (top1, top5, \
        latency_ms, throughput, memory_bytes, energy_j, or any declared with --metric). Each row is resolved like \
        the command-line flags and matched to one configuration of the sweep; rows that match nothing are listed. \
        Two rows giving one metric for one configuration are refused with both line numbers (nothing stored), \
        unless --replace-duplicates keeps the later. Importing a dataset again replaces its values. With --search \
        the rows are matched against a search's candidates, written as the search prints them (e.g. \
        depth_factor 2.4, gamma_tau 0.4).
        """)

    @Option(help: "The sweep whose configurations the rows describe.")
    var sweep: String?

    @Option(help: "Or: the expansion search whose candidates the rows describe (for expand --criterion-metric).")
    var search: String?

    @Flag(help: "When two rows give one metric for one configuration, keep the later (otherwise refused).")
    var replaceDuplicates = false

    @Argument(help: "CSV file (RFC 4180, header row).")
    var file: String

    @Option(help: "Dataset name (default: the file name without extension).")
    var dataset: String?

    @Option(help: "Where the numbers come from (default: the file path).")
    var source: String?

    @Option(help: "Declare a metric column: NAME[:UNIT[:higher|lower]] (repeatable).")
    var metric: [String] = []

    @OptionGroup var store: StoreOptions

    func run() throws {
      guard (sweep == nil) != (search == nil) else { throw UsageError("give exactly one of --sweep and --search") }
      let declared = try metric.map { try MetricDeclaration(parsing: $0) }
      guard let data = FileManager.default.contents(atPath: file) else {
        throw UsageError("cannot read \(file)")
      }
      guard let text = String(data: data, encoding: .utf8) else {
        throw UsageError("\(file) is not UTF-8 text")
      }
      let name = dataset ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
      let record = DatasetRecord(
        name: name, source: source ?? file,
        description: "imported from \(URL(fileURLWithPath: file).lastPathComponent)",
        importedAt: StoreOptions.timestamp())
      let results = try store.open(.readWrite)
      let scope: ImportScope
      if let search {
        guard try results.search(named: search) != nil else {
          throw UsageError("no search named \(search) in \(store.db)")
        }
        scope = .search(search)
      } else {
        scope = .sweep(sweep!)
      }
      let report = try results.importMeasurements(
        csv: text, into: scope, dataset: record, declaring: declared, replacingDuplicates: replaceDuplicates)
      let replaced = report.replaced > 0 ? " (\(report.replaced) replaced by a later row)" : ""
      print(
        "dataset '\(report.dataset)': \(report.rows) rows, \(report.matched) matched, "
          + "\(report.stored) values stored\(replaced), \(report.unmatched.count) unmatched")
      for (line, reason) in report.unmatched.prefix(20) { print("  line \(line): \(reason)") }
      if report.unmatched.count > 20 { print("  … and \(report.unmatched.count - 20) more") }
    }
  }
}
