import GRDB
import X3DModel

extension ResultsStore {
  /// The sweep's configurations as points (`x`, `y`), in insertion order. A measured coordinate gives one point per
  /// dataset that measured the configuration (configurations without the measurement are left out); when both are
  /// measured, they come from the same dataset unless named. Holds every point in memory: for large sweeps use
  /// ``pareto(sweep:x:y:maximizeY:series:visit:)``, which streams.
  public func points(sweep: String, x: ResultColumn, y: ResultColumn) throws(StoreError)
    -> [PlotPoint]
  {
    let state = try self.sweep(named: sweep)
    let query = try PointQuery(sweepID: state.id, x: x, y: y)
    let dataset = query.datasetAlias.map { "(SELECT name FROM datasets WHERE id = \($0).dataset_id)" } ?? "NULL"
    let order = query.datasetAlias.map { "c.id, \($0).dataset_id" } ?? "c.id"
    let sql = "SELECT c.id, \(query.x), \(query.y), \(dataset) \(query.from) ORDER BY \(order)"
    let rows = try read { db in
      try Row.fetchAll(db, sql: sql, arguments: StatementArguments(query.arguments)).map {
        (id: $0[0] as Int64, x: $0[1] as Double?, y: $0[2] as Double?, dataset: $0[3] as String?)
      }
    }
    let details = try pointDetails(ids: Array(Set(rows.map(\.id))).sorted())
    return rows.compactMap { row in
      guard var point = details[row.id] else { return nil }
      point.x = row.x ?? .nan
      point.y = row.y ?? .nan
      point.dataset = row.dataset
      return point
    }
  }

  /// One row per configuration of the sweep with the given columns, in insertion order. A measured column takes
  /// its dataset's value (empty where not measured); an unqualified metric measured by several datasets is refused.
  public func table(sweep: String, columns: [ResultColumn]) throws(StoreError) -> QueryResult {
    let state = try self.sweep(named: sweep)
    var expressions: [String] = []
    var joins: [String] = []
    var arguments: [any DatabaseValueConvertible] = []
    for (index, column) in columns.enumerated() {
      switch column.source {
      case .config(let name):
        expressions.append("c.\(name)")
      case .measurement(let metric, let named):
        let dataset: String
        if let named {
          dataset = named
        } else {
          let found = try datasets(measuring: metric, sweepID: state.id)
          guard found.count <= 1 else { throw .ambiguousMetric(metric: metric, datasets: found) }
          dataset = found.first ?? ""
        }
        let alias = "m\(index)"
        joins.append(
          "LEFT JOIN measurements \(alias) ON \(alias).config_key = c.key AND \(alias).metric = ? "
            + "AND \(alias).dataset_id = (SELECT id FROM datasets WHERE name = ?)")
        arguments += [metric, dataset]
        expressions.append("\(alias).value")
      }
    }
    arguments.append(state.id)
    let sql = """
      SELECT \(expressions.joined(separator: ", ")) FROM configs c \(joins.joined(separator: " "))
      WHERE c.sweep_id = ? ORDER BY c.id
      """
    return try read { db in
      let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
      return QueryResult(
        columns: columns.map(\.name),
        rows: rows.map { row in (0..<columns.count).map { Self.cell(row[$0] as DatabaseValue) } })
    }
  }

  /// The datasets that measured `metric` on some configuration of the sweep, by name.
  public func datasets(measuring metric: String, sweep: String) throws(StoreError) -> [String] {
    try datasets(measuring: metric, sweepID: try self.sweep(named: sweep).id)
  }

  private func datasets(measuring metric: String, sweepID: Int64) throws(StoreError) -> [String] {
    try read { db in
      try String.fetchAll(
        db,
        sql: """
          SELECT DISTINCT d.name FROM measurements m JOIN datasets d ON d.id = m.dataset_id
          WHERE m.metric = ? AND m.config_key IN (SELECT key FROM configs WHERE sweep_id = ?) ORDER BY d.name
          """, arguments: [metric, sweepID])
    }
  }
}
