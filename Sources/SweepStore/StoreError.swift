/// Everything the store refuses, with a message that can be shown to a user as is.
public enum StoreError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The file exists but is not an SQLite database.
  case notADatabase(path: String)
  /// An SQLite database, but not one this tool wrote (tables, but no migration record).
  case foreignDatabase(path: String)
  /// The database was written by a newer version of the tool.
  case newerSchema(path: String, found: Int, supported: Int)
  /// A `user_version` that no version of this tool writes (negative).
  case invalidSchemaVersion(path: String, found: Int)
  /// An SQLite file shorter than its header says (pages lost in a copy or a full disk).
  case truncatedDatabase(path: String, expectedBytes: Int, foundBytes: Int)
  /// A `query` result beyond the memory bound.
  case resultTooLarge(rows: Int, bytes: Int)
  /// A read-only command on a database whose schema is older than this tool's (a writing command upgrades it).
  case olderSchema(path: String, found: Int, supported: Int)
  /// No database at the path (read-only commands do not create one).
  case missingDatabase(path: String)
  /// Another process held the write lock for longer than the busy timeout.
  case locked(path: String, seconds: Double)
  /// `query` was given a statement that writes.
  case writingStatement(sql: String)
  /// An SQL error from a user's query, or an unexpected one from the store.
  case sql(message: String)
  /// No sweep of that name.
  case unknownSweep(name: String, known: [String])
  /// A sweep of that name exists with another definition, so it cannot be resumed.
  case sweepDefinitionMismatch(name: String, stored: String, requested: String)
  /// A column or metric name that is neither a stored column nor a known metric.
  case unknownColumn(name: String, known: [String])
  /// A plain metric name measured by several datasets where one value is needed.
  case ambiguousMetric(metric: String, datasets: [String])
  /// No dataset of that name.
  case unknownDataset(name: String, known: [String])
  /// A measurements CSV that cannot be read (line numbers are 1-based, the header is line 1).
  case malformedCSV(line: Int, reason: String)
  /// A measurements CSV with columns that are neither hyperparameters nor metrics.
  case unknownCSVColumns(unknown: [String], hyperparameters: [String], metrics: [String])
  /// A metric declaration that is not `NAME[:UNIT[:higher|lower]]`.
  case invalidMetricDeclaration(String)

  public var description: String {
    switch self {
    case .notADatabase(let path):
      "\(path) is not an SQLite database (nothing was changed); pass another file with --db"
    case .foreignDatabase(let path):
      "\(path) is an SQLite database that x3d-cost did not create (it has tables but no migration record); "
        + "pass another file with --db (nothing was changed)"
    case .newerSchema(let path, let found, let supported):
      "\(path) has schema version \(found), newer than the \(supported) this x3d-cost understands; "
        + "use a newer x3d-cost (nothing was changed)"
    case .invalidSchemaVersion(let path, let found):
      "\(path) has schema version (user_version) \(found), which no x3d-cost writes; pass another file with --db "
        + "(nothing was changed)"
    case .truncatedDatabase(let path, let expected, let found):
      "\(path) is truncated: its header says \(expected) bytes, the file has \(found); refusing to open it "
        + "(nothing was changed). Restore a complete copy"
    case .resultTooLarge(let rows, let bytes):
      "the result is larger than \(rows) rows or \(bytes / (1 << 20)) MiB; narrow it with WHERE or LIMIT, "
        + "or raise --max-rows"
    case .olderSchema(let path, let found, let supported):
      "\(path) has schema version \(found); this x3d-cost uses \(supported). Any writing command "
        + "(sweep, import) upgrades it"
    case .missingDatabase(let path):
      "no database at \(path); create one with `x3d-cost sweep` or pass --db"
    case .locked(let path, let seconds):
      "\(path) is locked: another process kept it busy for more than \(seconds) s; nothing was lost, try again"
    case .writingStatement(let sql):
      "query is read-only; this statement writes: \(sql)"
    case .sql(let message):
      "SQL error: \(message)"
    case .unknownSweep(let name, let known):
      "no sweep named '\(name)'"
        + (known.isEmpty
          ? " (the database has no sweeps)" : "; sweeps: " + known.joined(separator: ", "))
    case .sweepDefinitionMismatch(let name, let stored, let requested):
      "sweep '\(name)' already exists with another definition, so it cannot be resumed; choose another --name\n"
        + "  stored:    \(stored)\n  requested: \(requested)"
    case .unknownColumn(let name, let known):
      "unknown column or metric '\(name)'; known: " + known.joined(separator: ", ")
    case .ambiguousMetric(let metric, let datasets):
      "\(metric) is measured in several datasets (\(datasets.joined(separator: ", "))); name one as "
        + "\(metric)@DATASET"
    case .unknownDataset(let name, let known):
      "no dataset named '\(name)'"
        + (known.isEmpty ? "" : "; datasets: " + known.joined(separator: ", "))
    case .malformedCSV(let line, let reason):
      "CSV line \(line): \(reason) (nothing was imported)"
    case .unknownCSVColumns(let unknown, let hyperparameters, let metrics):
      "unknown CSV column\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")) (nothing was imported). "
        + "Hyperparameter columns: \(hyperparameters.joined(separator: ", ")). Metrics: "
        + "\(metrics.joined(separator: ", ")); declare a new one with --metric NAME[:UNIT[:higher|lower]]"
    case .invalidMetricDeclaration(let text):
      "invalid metric declaration '\(text)'; expected NAME[:UNIT[:higher|lower]], NAME made of a-z, 0-9 and _"
    }
  }
}
