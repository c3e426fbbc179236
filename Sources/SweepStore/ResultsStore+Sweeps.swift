import CostModel
import GRDB
import X3DModel

extension ResultsStore {
  /// Starts the sweep named in `record`, or finds it to resume: a sweep of that name with the same definition is
  /// returned as stored (its `nextIndex` says where to go on); one with another definition is refused. A sweep whose
  /// plan can resolve two requests to one configuration (``SweepRecord/keysAreDistinct`` false) gets a unique index
  /// over its keys in the same transaction.
  public func beginSweep(_ record: SweepRecord) throws(StoreError) -> SweepState {
    let name = record.name
    let state: SweepState? = try write { db in
      if let existing = try Self.fetchSweep(db, name: name) {
        if existing.definition == record.definition && !record.keysAreDistinct {
          try Self.createKeyIndex(db, sweepID: existing.id)
        }
        return existing
      }
      try db.execute(
        sql: """
          INSERT INTO sweeps (name, kind, created_at, tool_version, implementations, element_type, conventions,
            command_line, definition, per_layer, planned)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          record.name, record.kind.rawValue, record.createdAt, record.toolVersion,
          record.implementations.map(\.rawValue).joined(separator: ","),
          record.elementType.rawValue,
          record.conventions, record.commandLine, record.definition, record.perLayer ? 1 : 0,
          record.planned,
        ])
      if !record.keysAreDistinct { try Self.createKeyIndex(db, sweepID: db.lastInsertedRowID) }
      return nil
    }
    if let state {
      if state.definition != record.definition {
        throw .sweepDefinitionMismatch(
          name: name, stored: state.definition, requested: record.definition)
      }
      return state
    }
    return try sweep(named: name)
  }

  /// A unique index over one sweep's keys (a partial index: rows of other sweeps are not in it), so
  /// `INSERT OR IGNORE` stores a configuration once however many requests resolve to it.
  private static func createKeyIndex(_ db: Database, sweepID: Int64) throws {
    try db.execute(
      sql:
        "CREATE UNIQUE INDEX IF NOT EXISTS configs_key_of_sweep_\(sweepID) ON configs(key) WHERE sweep_id = \(sweepID)")
  }

  /// The sweep called `name`.
  public func sweep(named name: String) throws(StoreError) -> SweepState {
    let found = try read { db in try Self.fetchSweep(db, name: name) }
    guard let found else { throw .unknownSweep(name: name, known: try sweepNames()) }
    return found
  }

  /// Every sweep's name, oldest first.
  public func sweepNames() throws(StoreError) -> [String] {
    try read { db in try String.fetchAll(db, sql: "SELECT name FROM sweeps ORDER BY id") }
  }

  /// Every sweep, oldest first.
  public func sweeps() throws(StoreError) -> [SweepState] {
    try read { db in
      try String.fetchAll(db, sql: "SELECT name FROM sweeps ORDER BY id").compactMap {
        try Self.fetchSweep(db, name: $0)
      }
    }
  }

  /// The outcome of writing one batch.
  public struct BatchOutcome: Hashable, Sendable {
    /// New configuration rows.
    public var inserted: Int
    /// Configurations already in the sweep (a resumed or concurrent run, or two requests resolving alike).
    public var duplicates: Int
  }

  /// Stores one batch of a sweep in one transaction: the configurations, their layers when the sweep keeps them,
  /// and the progress cursor. `range` is the batch's span of plan indices; `failures` counts configurations in it that
  /// could not be evaluated.
  ///
  /// A configuration is stored once: rows below the committed cursor (a resumed or concurrent run) are skipped, by
  /// their ``EvaluatedConfiguration/planIndex`` (without one, only a batch wholly below the cursor is skipped), and in a
  /// sweep whose keys are not distinct by plan its key index ignores a configuration already stored.
  @discardableResult
  public func insertTotals(
    _ batch: some Collection<EvaluatedConfiguration>, sweep: SweepState, range: Range<Int>, failures: Int = 0,
    firstFailure: String? = nil, completedAt: String? = nil
  ) throws(StoreError) -> BatchOutcome {
    try insertTotals(
      parts: [Array(batch)], sweep: sweep, range: range, failures: failures, firstFailure: firstFailure,
      completedAt: completedAt)
  }

  /// ``insertTotals(_:sweep:range:failures:firstFailure:completedAt:)`` for a batch held as consecutive parts (as the
  /// evaluating threads made them), binding each row where it lies rather than copying it out.
  ///
  /// The transaction runs without SQLite's per-row foreign-key checks (``writeWithoutForeignKeyChecks(_:)``): its
  /// configuration rows reference the sweep, whose row the transaction updates and must find, and its layer rows the
  /// configuration inserted just before them.
  func insertTotals(
    parts: [[EvaluatedConfiguration]], sweep: SweepState, range: Range<Int>, failures: Int,
    firstFailure: String?, completedAt: String?
  ) throws(StoreError) -> BatchOutcome {
    let count = parts.reduce(0) { $0 + $1.count }
    return try writeWithoutForeignKeyChecks { db in
      let cursor =
        try Int.fetchOne(
          db, sql: "SELECT next_index FROM sweeps WHERE id = ?", arguments: [sweep.id]) ?? 0
      var inserted = 0
      if range.upperBound > cursor {
        let insert = try db.cachedStatement(sql: Self.insertConfigSQL)
        let insertLayer = try db.cachedStatement(sql: Self.insertLayerSQL)
        let insertMany = try db.cachedStatement(sql: Self.insertConfigsSQL)
        let fields = CostField.networkTotals
        let layerFields = CostField.perLayer
        for part in parts {
          try part.withUnsafeBufferPointer { rows in
            func isStored(_ row: Int) -> Bool { rows[row].planIndex.map { $0 < cursor } ?? false }
            var row = rows.startIndex
            while row < rows.endIndex {
              if isStored(row) {
                row += 1
              } else if rows[row].layers.isEmpty {
                // A run of rows without layers: whole groups through the multi-row statement, the rest one by one.
                var end = row
                while end < rows.endIndex && rows[end].layers.isEmpty && !isStored(end) { end += 1 }
                while end - row >= Self.rowsPerInsert {
                  var binder = RowBinder(insertMany)
                  for next in row..<row + Self.rowsPerInsert {
                    Self.bind(rows[next], sweepID: sweep.id, fields: fields, to: &binder)
                  }
                  inserted += try binder.step(db)
                  row += Self.rowsPerInsert
                }
                for next in row..<end {
                  var binder = RowBinder(insert)
                  Self.bind(rows[next], sweepID: sweep.id, fields: fields, to: &binder)
                  inserted += try binder.step(db)
                }
                row = end
              } else {
                var binder = RowBinder(insert)
                Self.bind(rows[row], sweepID: sweep.id, fields: fields, to: &binder)
                if try binder.step(db) > 0 {
                  inserted += 1
                  try Self.insertLayers(
                    of: rows[row], configID: binder.lastInsertedRowID, fields: layerFields, into: insertLayer, db)
                }
                row += 1
              }
            }
          }
        }
      }
      // Failures count once: only for indices not already processed by an earlier or concurrent run.
      let newFailures = range.lowerBound >= cursor ? failures : 0
      try db.execute(
        sql: """
          UPDATE sweeps SET next_index = max(next_index, ?), failed = failed + ?, stored = stored + ?,
            first_failure = coalesce(first_failure, ?),
            completed_at = CASE WHEN max(next_index, ?) >= planned THEN coalesce(completed_at, ?) END
          WHERE id = ?
          """,
        arguments: [
          range.upperBound, newFailures, inserted, firstFailure, range.upperBound, completedAt, sweep.id,
        ])
      // The rows above reference this sweep without a foreign-key check: it must still exist.
      guard db.changesCount == 1 else {
        throw DatabaseError(message: "sweep '\(sweep.name)' was deleted while its batch was written")
      }
      return BatchOutcome(inserted: inserted, duplicates: count - inserted)
    }
  }

  // MARK: SQL

  /// The configuration columns of `configs`, then one column per network cost field (``CostField/networkTotals``).
  private static let configColumns = [
    "sweep_id", "key", "preset", "implementation", "gamma_tau", "gamma_t", "gamma_s", "gamma_w", "gamma_b",
    "gamma_d", "frames", "crop", "test_crop", "width_factor", "depth_factor", "bottleneck_factor", "classes",
    "batch",
  ]
  private static let insertConfigSQL = insertSQL(
    "INSERT OR IGNORE INTO configs", configColumns + CostField.networkTotals.map(\.name))
  /// Rows per execution of ``insertConfigsSQL``: one statement for several rows spares SQLite a statement's start
  /// and end per row (about 4% of the writer's time with 10 rows).
  static let rowsPerInsert = 10
  /// ``insertConfigSQL`` for ``rowsPerInsert`` rows (rows without layers: their ids are not needed).
  private static let insertConfigsSQL = insertSQL(
    "INSERT OR IGNORE INTO configs", configColumns + CostField.networkTotals.map(\.name), rows: rowsPerInsert)

  /// The node columns of `layers`, then one column per per-layer cost field (``CostField/perLayer``).
  private static let layerColumns = [
    "config_id", "position", "name", "kind", "stage", "input_shape", "output_shape", "geometry",
  ]
  private static let insertLayerSQL = insertSQL(
    "INSERT INTO layers", layerColumns + CostField.perLayer.map(\.name))

  private static func insertSQL(_ verb: String, _ columns: [String], rows: Int = 1) -> String {
    let values = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
    return "\(verb) (\(columns.joined(separator: ", "))) VALUES "
      + Array(repeating: values, count: rows).joined(separator: ", ")
  }

  /// Binds in the column order of ``insertConfigSQL``.
  private static func bind(
    _ row: EvaluatedConfiguration, sweepID: Int64, fields: [CostField], to b: inout RowBinder
  ) {
    let c = row.configuration
    let g = c.gammas
    b.bind(sweepID)
    b.bind(row.key)
    b.bind(row.preset?.rawValue)
    b.bind(c.implementation.rawValue)
    b.bind(g.gammaTau)
    b.bind(g.gammaT)
    b.bind(g.gammaS)
    b.bind(g.gammaW)
    b.bind(g.gammaB)
    b.bind(g.gammaD)
    b.bind(c.frames)
    b.bind(c.crop)
    b.bind(c.evaluatedCrop)
    b.bind(c.widthFactor)
    b.bind(c.depthFactor)
    b.bind(c.bottleneckFactor)
    b.bind(c.classes)
    b.bind(c.batch)
    for field in fields { b.bind(row.totals[field]) }
  }

  /// Inserts the layer rows of `row`, with the texts its evaluating thread formatted when it did.
  private static func insertLayers(
    of row: EvaluatedConfiguration, configID: Int64, fields: [CostField], into statement: Statement, _ db: Database
  ) throws {
    try row.layers.withUnsafeBufferPointer { layers in
      guard let texts = row.layerTexts, texts.count == layers.count else {
        for position in layers.indices {
          var binder = RowBinder(statement)
          bind(layers[position], configID: configID, position: position, fields: fields, to: &binder)
          try binder.step(db)
        }
        return
      }
      try texts.withTexts { bytes, ends in
        for position in layers.indices {
          var binder = RowBinder(statement)
          binder.bind(configID)
          binder.bind(position)
          for column in 0..<LayerTexts.columns {
            let text = position * LayerTexts.columns + column
            binder.bindText(bytes, from: text == 0 ? 0 : ends[text - 1], to: ends[text])
          }
          for field in fields { binder.bind(layers[position].cost[field]) }
          try binder.step(db)
        }
      }
    }
  }

  /// Binds in the column order of ``insertLayerSQL``.
  private static func bind(
    _ layer: LayerRow, configID: Int64, position: Int, fields: [CostField], to b: inout RowBinder
  ) {
    b.bind(configID)
    b.bind(position)
    b.bind(layer.name)
    b.bind(layer.kind)
    b.bind(layer.node.path.stage.name)
    b.bind(layer.node.inputShape.description)
    b.bind(layer.node.outputShape.description)
    b.bind(layer.geometry)
    for field in fields { b.bind(layer.cost[field]) }
  }

  static func fetchSweep(_ db: Database, name: String) throws -> SweepState? {
    guard
      let row = try Row.fetchOne(
        db,
        sql: "SELECT * FROM sweeps WHERE name = ?", arguments: [name])
    else { return nil }
    return SweepState(
      id: row["id"], name: row["name"], kind: row["kind"], createdAt: row["created_at"],
      definition: row["definition"],
      planned: row["planned"], nextIndex: row["next_index"], stored: row["stored"],
      failed: row["failed"],
      firstFailure: row["first_failure"], completedAt: row["completed_at"],
      commandLine: row["command_line"],
      elementType: row["element_type"])
  }
}
