import GRDB

extension ResultsStore {
  /// Stores a dataset and its measurements in one transaction. A dataset of the same name is updated: its
  /// description is replaced and each (configuration, metric) value is replaced or added. Metrics in `declaring`
  /// are registered first; any other metric must already be known.
  @discardableResult
  public func insertMeasurements(
    _ measurements: [Measurement], dataset: DatasetRecord, declaring: [MetricDeclaration] = []
  ) throws(StoreError) -> Int {
    let known = try metricNames()
    for metric in Set(measurements.map(\.metric))
    where !known.contains(metric) && !declaring.contains(where: { $0.name == metric }) {
      throw .unknownColumn(name: metric, known: known.sorted())
    }
    return try write { db in
      for metric in declaring {
        try db.execute(
          sql:
            "INSERT OR IGNORE INTO metrics (name, unit, description, better) VALUES (?, ?, ?, ?)",
          arguments: [metric.name, metric.unit, "declared on import", metric.better.rawValue])
      }
      try db.execute(
        sql: """
          INSERT INTO datasets (name, source, description, imported_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (name) DO UPDATE SET source = excluded.source, description = excluded.description,
            imported_at = excluded.imported_at
          """,
        arguments: [dataset.name, dataset.source, dataset.description, dataset.importedAt])
      let datasetID = try Int64.fetchOne(
        db, sql: "SELECT id FROM datasets WHERE name = ?", arguments: [dataset.name])!
      let insert = try db.cachedStatement(
        sql:
          "INSERT OR REPLACE INTO measurements (dataset_id, config_key, metric, value) VALUES (?, ?, ?, ?)"
      )
      for measurement in measurements {
        try insert.execute(arguments: [
          datasetID, measurement.configKey, measurement.metric, measurement.value,
        ])
      }
      return measurements.count
    }
  }

  /// Names of the metrics measurements may carry.
  public func metricNames() throws(StoreError) -> Set<String> {
    try read { db in Set(try String.fetchAll(db, sql: "SELECT name FROM metrics")) }
  }

  /// Every metric with its unit and direction.
  public func metrics() throws(StoreError) -> [MetricDeclaration] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT name, unit, better FROM metrics ORDER BY name").map {
        MetricDeclaration(
          name: $0["name"], unit: $0["unit"],
          better: MetricDeclaration.Better(rawValue: $0["better"]) ?? .higher)
      }
    }
  }

  /// Every dataset's name, oldest first.
  public func datasetNames() throws(StoreError) -> [String] {
    try read { db in try String.fetchAll(db, sql: "SELECT name FROM datasets ORDER BY id") }
  }

  /// The measurements of one configuration, dataset by dataset: (dataset, metric, value).
  public func measurements(for configKey: String) throws(StoreError) -> [(
    dataset: String, metric: String, value: Double
  )] {
    try read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT d.name AS dataset, m.metric, m.value FROM measurements m JOIN datasets d ON d.id = m.dataset_id
          WHERE m.config_key = ? ORDER BY d.id, m.metric
          """, arguments: [configKey]
      ).map { (dataset: $0["dataset"], metric: $0["metric"], value: $0["value"]) }
    }
  }
}
