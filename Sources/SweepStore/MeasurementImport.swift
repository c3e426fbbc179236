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
  /// Values stored (one per configuration and metric given a value).
  public var stored = 0
  /// Values given again for the same configuration and metric by a later row, which replaced the earlier one
  /// (only with `replacingDuplicates`).
  public var replaced = 0
  /// Rows that match nothing, with the reason.
  public var unmatched: [(line: Int, reason: String)] = []
}

/// The configurations an import's rows are matched against.
public enum ImportScope: Hashable, Sendable {
  /// The configurations of a sweep.
  case sweep(String)
  /// The candidates of an expansion search (its pending ones among them).
  case search(String)
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
  ///
  /// Two rows that give a value for the same configuration and metric are refused, naming both lines (nothing is
  /// stored), unless `replacingDuplicates`: then the later value is kept and counted in ``ImportReport/replaced``.
  public func importMeasurements(
    csv: String, sweep: String, dataset: DatasetRecord, declaring: [MetricDeclaration] = [],
    replacingDuplicates: Bool = false
  ) throws(StoreError) -> ImportReport {
    try importMeasurements(
      csv: csv, into: .sweep(sweep), dataset: dataset, declaring: declaring, replacingDuplicates: replacingDuplicates)
  }

  /// The same, matching rows against the configurations of `scope` (a sweep, or a search's candidates).
  public func importMeasurements(
    csv: String, into scope: ImportScope, dataset: DatasetRecord, declaring: [MetricDeclaration] = [],
    replacingDuplicates: Bool = false
  ) throws(StoreError) -> ImportReport {
    let keySource = try ScopeKeys(scope, in: self)
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
    let samplingRates = try keySource.samplingRates(in: self)
    // (configuration key, metric) → index into `measurements` and the line that gave it.
    var given: [String: (index: Int, line: Int)] = [:]

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
            if SweepPlan.integerParameters.contains(parameter), number != number.rounded() {
              throw .malformedCSV(line: record.line, reason: "\(name) '\(text)' is not a whole number")
            }
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
      let found = try keySource.existing(candidates, in: self)
      guard found.count == 1, let key = found.first else {
        let what =
          "frames \(configuration.frames), crop \(configuration.crop), test crop \(configuration.evaluatedCrop), "
          + "width \(configuration.widthFactor), depth \(configuration.depthFactor), "
          + "bottleneck \(configuration.bottleneckFactor)"
        report.unmatched.append(
          found.isEmpty
            ? (record.line, "no configuration of \(keySource.name) has \(what)")
            : (
              record.line,
              "\(found.count) configurations match \(what); add implementation or gamma_tau columns"
            ))
        continue
      }
      report.matched += 1
      for (metric, value) in values {
        let measurement = Measurement(configKey: key, metric: metric, value: value)
        let slot = key + "\u{1}" + metric
        if let earlier = given[slot] {
          guard replacingDuplicates else {
            throw .malformedCSV(
              line: record.line,
              reason: "lines \(earlier.line) and \(record.line) both give \(metric) for configuration \(key); "
                + "nothing stored (keep one row, or pass --replace-duplicates to keep the later)")
          }
          measurements[earlier.index] = measurement
          given[slot] = (earlier.index, record.line)
          report.replaced += 1
        } else {
          given[slot] = (measurements.count, record.line)
          measurements.append(measurement)
        }
      }
    }
    // A file that matches nothing leaves the database as it was (no empty dataset).
    if !measurements.isEmpty {
      report.stored = try insertMeasurements(measurements, dataset: dataset, declaring: declaring)
    }
    return report
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

/// Where an import looks configurations up.
private struct ScopeKeys {
  let scope: ImportScope
  let sweepID: Int64?

  init(_ scope: ImportScope, in store: ResultsStore) throws(StoreError) {
    self.scope = scope
    switch scope {
    case .sweep(let name): sweepID = try store.sweep(named: name).id
    case .search: sweepID = nil
    }
  }

  /// How unmatched rows name the scope.
  var name: String {
    switch scope {
    case .sweep(let name): "sweep '\(name)'"
    case .search(let name): "search '\(name)'"
    }
  }

  func samplingRates(in store: ResultsStore) throws(StoreError) -> [Double] {
    try store.read { db in
      switch scope {
      case .sweep:
        try Double.fetchAll(db, sql: "SELECT DISTINCT gamma_tau FROM configs WHERE sweep_id = ?", arguments: [sweepID])
      case .search(let name):
        try Double.fetchAll(
          db,
          sql: """
            SELECT DISTINCT c.sampling_rate FROM search_candidates c JOIN searches s ON s.id = c.search_id
            WHERE s.name = ?
            """, arguments: [name])
      }
    }
  }

  /// The keys among `keys` that name a configuration of the scope. A sweep's keys are looked up in one pass over its
  /// rows (a large sweep keeps no index on its keys: docs/store.md).
  func existing(_ keys: [String], in store: ResultsStore) throws(StoreError) -> [String] {
    try store.read { db in
      switch scope {
      case .sweep:
        let json = String(decoding: try JSONEncoder().encode(keys), as: UTF8.self)
        let found = Set(
          try String.fetchAll(
            db,
            sql: "SELECT DISTINCT key FROM configs WHERE sweep_id = ? AND key IN (SELECT value FROM json_each(?))",
            arguments: [sweepID, json]))
        return keys.filter(found.contains)
      case .search(let name):
        return try keys.filter { key in
          try Bool.fetchOne(
            db,
            sql: """
              SELECT EXISTS (SELECT 1 FROM search_candidates c JOIN searches s ON s.id = c.search_id
                WHERE s.name = ? AND c.config_key = ?)
              """, arguments: [name, key]) ?? false
        }
      }
    }
  }
}

extension String {
  fileprivate var replacingDashes: String { replacingOccurrences(of: "-", with: "_") }
}
