import Foundation
import GRDB
import X3DModel

/// What an import did.
public struct ImportReport: Sendable {
  public var dataset: String
  /// Data rows in the file.
  public var rows = 0
  /// Rows matched to a configuration of the sweep.
  public var matched = 0
  /// Values stored (one per matched row and non-empty metric cell).
  public var stored = 0
  /// Rows that match nothing, with the reason.
  public var unmatched: [(line: Int, reason: String)] = []
}

extension ResultsStore {
  /// Column names a measurements CSV may use for hyperparameters (`impl` and `sampling_rate` are also accepted,
  /// for `implementation` and `gamma_tau`).
  public static let hyperparameterColumns =
    ["preset", "implementation"] + Parameter.allCases.map { $0.rawValue.replacingDashes }

  /// Attaches the measurements of a CSV file to configurations of `sweep`, as dataset `dataset`.
  ///
  /// The header names hyperparameter columns (``hyperparameterColumns``) and metric columns (known metrics and
  /// those in `declaring`); any other column is refused. Each row is resolved like the command-line flags
  /// (explicit > γ > preset > X2D) and matched by ``ConfigurationKey``; a row without `implementation` matches any
  /// implementation, one without `gamma_tau` (or `preset`) any sampling rate, as long as exactly one configuration
  /// of the sweep matches. Rows that match nothing are reported, not stored. Everything is stored in one transaction.
  public func importMeasurements(
    csv: String, sweep: String, dataset: DatasetRecord, declaring: [MetricDeclaration] = []
  ) throws(StoreError) -> ImportReport {
    let state = try self.sweep(named: sweep)
    let records = try CSVReader.records(csv)
    guard let header = records.first else {
      throw .malformedCSV(line: 1, reason: "the file is empty")
    }
    let names = header.fields.map { Self.normalizedColumn($0) }
    let metrics = try metricNames().union(declaring.map(\.name))
    let unknown = names.filter { !Self.hyperparameterColumns.contains($0) && !metrics.contains($0) }
    guard unknown.isEmpty else {
      throw .unknownCSVColumns(
        unknown: unknown, hyperparameters: Self.hyperparameterColumns, metrics: metrics.sorted())
    }
    if let repeated = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
      throw .malformedCSV(line: header.line, reason: "column \(repeated) appears twice")
    }
    guard names.contains(where: metrics.contains) else {
      throw .malformedCSV(
        line: header.line,
        reason: "no metric column (known: \(metrics.sorted().joined(separator: ", ")))")
    }
    let samplingRates = try read { db in
      try Double.fetchAll(
        db, sql: "SELECT DISTINCT gamma_tau FROM configs WHERE sweep_id = ?", arguments: [state.id])
    }

    var report = ImportReport(dataset: dataset.name)
    var measurements: [Measurement] = []
    for record in records.dropFirst() {
      report.rows += 1
      guard record.fields.count == names.count else {
        throw .malformedCSV(
          line: record.line,
          reason: "\(record.fields.count) fields, but the header has \(names.count)")
      }
      var request = ModelRequest()
      var values: [(String, Double)] = []
      var anyImplementation = true
      var anySamplingRate = true
      for (name, raw) in zip(names, record.fields) {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { continue }
        switch name {
        case "preset":
          guard let preset = Preset(rawValue: text.lowercased()) else {
            throw .malformedCSV(line: record.line, reason: "unknown preset '\(text)'")
          }
          request.preset = preset
          anySamplingRate = false
        case "implementation":
          guard let implementation = ImplementationVariant(rawValue: text.lowercased()) else {
            throw .malformedCSV(line: record.line, reason: "unknown implementation '\(text)'")
          }
          request.implementation = implementation
          anyImplementation = false
        default:
          guard let number = Double(text), number.isFinite else {
            throw .malformedCSV(line: record.line, reason: "\(name) '\(text)' is not a number")
          }
          if let parameter = Parameter.allCases.first(where: { $0.rawValue.replacingDashes == name }
          ) {
            request.set(parameter, number)
            if parameter == .gammaTau { anySamplingRate = false }
          } else {
            values.append((name, number))
          }
        }
      }
      let configuration: ModelConfiguration
      do { configuration = try request.resolve() } catch {
        report.unmatched.append((record.line, "\(error)"))
        continue
      }
      var candidates: [String] = []
      for implementation in anyImplementation
        ? ImplementationVariant.allCases : [configuration.implementation]
      {
        for rate in anySamplingRate ? samplingRates : [configuration.samplingRate] {
          var candidate = configuration
          candidate.implementation = implementation
          candidate.gammas.gammaTau = rate
          candidates.append(ConfigurationKey.make(candidate))
        }
      }
      let found = try existingKeys(candidates, sweepID: state.id)
      guard found.count == 1, let key = found.first else {
        let what =
          "frames \(configuration.frames), crop \(configuration.crop), test crop \(configuration.evaluatedCrop), "
          + "width \(configuration.widthFactor), depth \(configuration.depthFactor), "
          + "bottleneck \(configuration.bottleneckFactor)"
        report.unmatched.append(
          found.isEmpty
            ? (record.line, "no configuration of sweep '\(sweep)' has \(what)")
            : (
              record.line,
              "\(found.count) configurations match \(what); add implementation or gamma_tau columns"
            ))
        continue
      }
      report.matched += 1
      measurements += values.map { Measurement(configKey: key, metric: $0.0, value: $0.1) }
    }
    // A file that matches nothing leaves the database as it was (no empty dataset).
    if !measurements.isEmpty {
      report.stored = try insertMeasurements(measurements, dataset: dataset, declaring: declaring)
    }
    return report
  }

  private func existingKeys(_ keys: [String], sweepID: Int64) throws(StoreError) -> [String] {
    try read { db in
      try keys.filter { key in
        try Bool.fetchOne(
          db, sql: "SELECT EXISTS (SELECT 1 FROM configs WHERE sweep_id = ? AND key = ?)",
          arguments: [sweepID, key])
          ?? false
      }
    }
  }

  static func normalizedColumn(_ name: String) -> String {
    let name = name.trimmingCharacters(in: .whitespaces).lowercased().replacingDashes
    switch name {
    case "impl": return "implementation"
    case "sampling_rate": return "gamma_tau"
    default: return name
    }
  }
}

extension String {
  fileprivate var replacingDashes: String { replacingOccurrences(of: "-", with: "_") }
}
