import GRDB
import X3DModel

extension ResultsStore {
  /// The sweep's configurations as points (`x`, `y`). A measured coordinate gives one point per dataset that
  /// measured the configuration (configurations without the measurement are left out); when both are measured,
  /// they come from the same dataset unless named.
  public func points(sweep: String, x: ResultColumn, y: ResultColumn) throws(StoreError)
    -> [PlotPoint]
  {
    let state = try self.sweep(named: sweep)
    for column in [x, y] where column.isText {
      throw .unknownColumn(
        name: column.name, known: ResultColumn.configColumns.filter { !$0.isText }.map(\.name))
    }
    var joins: [String] = []
    var arguments: [any DatabaseValueConvertible] = []
    var firstMeasurement: String?
    var expressions: [String] = []
    for (index, column) in [x, y].enumerated() {
      switch column.source {
      case .config(let name):
        expressions.append("c.\(name)")
      case .measurement(let metric, let dataset):
        let alias = "m\(index)"
        var join =
          "JOIN measurements \(alias) ON \(alias).config_key = c.key AND \(alias).metric = ?"
        arguments.append(metric)
        if let dataset {
          join += " AND \(alias).dataset_id = (SELECT id FROM datasets WHERE name = ?)"
          arguments.append(dataset)
        } else if let first = firstMeasurement {
          join += " AND \(alias).dataset_id = \(first).dataset_id"
        }
        if firstMeasurement == nil { firstMeasurement = alias }
        joins.append(join)
        expressions.append("\(alias).value")
      }
    }
    if let first = firstMeasurement {
      joins.append("JOIN datasets d ON d.id = \(first).dataset_id")
    }
    let sql = """
      SELECT c.key, \(expressions[0]) AS x, \(expressions[1]) AS y, \(firstMeasurement == nil ? "NULL" : "d.name") AS dataset,
        c.frames, c.crop, c.test_crop, c.width_factor, c.depth_factor, c.bottleneck_factor, c.classes, c.batch
      FROM configs c \(joins.joined(separator: " "))
      WHERE c.sweep_id = ? ORDER BY c.id\(firstMeasurement == nil ? "" : ", d.id")
      """
    arguments.append(state.id)
    let presets = Preset.allCases.compactMap { preset in
      (try? ModelConfiguration(preset: preset)).map { (preset, $0) }
    }
    return try read { db in
      try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
        let frames: Int = row["frames"]
        let crop: Int = row["crop"]
        let testCrop: Int = row["test_crop"]
        let (w, d, b): (Double, Double, Double) = (
          row["width_factor"], row["depth_factor"], row["bottleneck_factor"]
        )
        let classes: Int = row["classes"]
        let batch: Int = row["batch"]
        let preset = presets.first { _, p in
          p.frames == frames && p.crop == crop && p.evaluatedCrop == testCrop && p.widthFactor == w
            && p.depthFactor == d && p.bottleneckFactor == b && p.classes == classes
            && p.batch == batch
        }?.0
        let cropText = testCrop == crop ? "\(crop)²" : "\(testCrop)² (train \(crop))"
        return PlotPoint(
          configKey: row["key"], x: row["x"], y: row["y"], dataset: row["dataset"],
          preset: preset,
          label: "\(frames)×\(cropText) w\(w) d\(d) b\(b)")
      }
    }
  }

  /// The Pareto frontier of the sweep in (`x`, `y`): x minimised, y maximised or minimised.
  public func pareto(sweep: String, x: ResultColumn, y: ResultColumn, maximizeY: Bool)
    throws(StoreError)
    -> [PlotPoint]
  {
    ParetoFrontier.frontier(try points(sweep: sweep, x: x, y: y), maximizeY: maximizeY)
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
