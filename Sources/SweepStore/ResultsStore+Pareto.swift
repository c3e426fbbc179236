import GRDB
import X3DModel

/// What one ordered pass over a sweep's points found: the frontier of each series and the counts.
public struct ParetoResult: Sendable {
  /// The series names in order of first appearance (one empty name when the points are not split).
  public var series: [String]
  /// The frontier of each series, by increasing x (see ``ParetoScan``).
  public var frontiers: [[PlotPoint]]
  /// Points with finite coordinates.
  public var finite: Int
  /// Points left out because a coordinate was NaN or ±∞.
  public var nonFinite: Int

  /// All frontiers, series after series.
  public var allFrontierPoints: [PlotPoint] { frontiers.flatMap { $0 } }
}

/// How a sweep's points are split into series (each with its own frontier and marker).
public enum PointSeries: Sendable, Hashable {
  /// One series.
  case none
  /// One series per dataset of the measured coordinate.
  case dataset
  /// One series per value of a text column of `configs` (`implementation`, `preset`).
  case column(ResultColumn)
}

extension ResultsStore {
  /// The Pareto frontier of the sweep in (`x`, `y`): x minimised, y maximised or minimised, one frontier per
  /// series. The points stream from SQLite ordered by x, so memory does not grow with the sweep; `visit` sees
  /// every finite point (x, y, series index) in that order.
  public func pareto(
    sweep: String, x: ResultColumn, y: ResultColumn, maximizeY: Bool, series: PointSeries = .none,
    visit: ((Double, Double, Int) -> Void)? = nil
  ) throws(StoreError) -> ParetoResult {
    let state = try self.sweep(named: sweep)
    let query = try PointQuery(sweepID: state.id, x: x, y: y)
    let dataset = query.datasetAlias.map { "\($0).dataset_id" } ?? "NULL"
    let seriesExpression: String
    switch series {
    case .none: seriesExpression = "NULL"
    case .dataset:
      guard let alias = query.datasetAlias else {
        throw .unknownColumn(name: "dataset", known: ["implementation", "preset"])
      }
      seriesExpression = "(SELECT name FROM datasets WHERE id = \(alias).dataset_id)"
    case .column(let column):
      guard column.isText, case .config(let name) = column.source else {
        throw .unknownColumn(
          name: column.name, known: ResultColumn.configColumns.filter(\.isText).map(\.name))
      }
      seriesExpression = "ifnull(c.\(name), '')"
    }
    let sql = """
      SELECT c.id, \(query.x), \(query.y), \(dataset), \(seriesExpression) \(query.from)
      ORDER BY 2, 3 \(maximizeY ? "DESC" : "ASC"), c.id, 4
      """
    typealias Scan = ParetoScan<(id: Int64, dataset: Int64?)>
    var names: [String] = []
    var index: [String: Int] = [:]
    var scans: [Scan] = []
    var nonFinite = 0
    try read { db in
      let cursor = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(query.arguments))
      while let row = try cursor.next() {
        let xValue: Double? = row[1]
        let yValue: Double? = row[2]
        var slot = 0
        if series != .none {
          let name: String = row[4] ?? ""
          if let known = index[name] {
            slot = known
          } else {
            slot = names.count
            index[name] = slot
            names.append(name)
            scans.append(Scan(maximizeY: maximizeY))
          }
        } else if scans.isEmpty {
          names.append("")
          scans.append(Scan(maximizeY: maximizeY))
        }
        let before = scans[slot].nonFinite
        scans[slot].add(x: xValue, y: yValue) { (row[0], row[3]) }
        if scans[slot].nonFinite != before {
          nonFinite += 1
        } else if let visit, let xValue, let yValue {
          visit(xValue, yValue, slot)
        }
      }
    }
    let ids = scans.flatMap { $0.frontier.map(\.payload.id) }
    let details = try pointDetails(ids: ids)
    let datasetNames = try read { db in
      try Dictionary(
        uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, name FROM datasets").map {
          ($0[0] as Int64, $0[1] as String)
        })
    }
    let frontiers = scans.map { scan in
      scan.frontier.compactMap { entry -> PlotPoint? in
        guard var point = details[entry.payload.id] else { return nil }
        point.x = entry.x
        point.y = entry.y
        point.dataset = entry.payload.dataset.flatMap { datasetNames[$0] }
        return point
      }
    }
    return ParetoResult(
      series: names, frontiers: frontiers, finite: scans.reduce(0) { $0 + $1.finite },
      nonFinite: nonFinite)
  }

  /// Key, preset and label of configurations, by id.
  func pointDetails(ids: [Int64]) throws(StoreError) -> [Int64: PlotPoint] {
    guard !ids.isEmpty else { return [:] }
    let presets = Preset.allCases.compactMap { preset in
      (try? ModelConfiguration(preset: preset)).map { (preset, $0) }
    }
    var result: [Int64: PlotPoint] = [:]
    for chunk in stride(from: 0, to: ids.count, by: 500) {
      let slice = Array(ids[chunk..<min(chunk + 500, ids.count)])
      let sql = """
        SELECT id, key, frames, crop, test_crop, width_factor, depth_factor, bottleneck_factor, classes, batch
        FROM configs WHERE id IN (\(slice.map { _ in "?" }.joined(separator: ",")))
        """
      try read { db in
        for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(slice)) {
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
          result[row["id"]] = PlotPoint(
            configKey: row["key"], x: 0, y: 0, dataset: nil, preset: preset,
            label: "\(frames)×\(cropText) w\(w) d\(d) b\(b)")
        }
      }
    }
    return result
  }
}

extension ResultsStore {
  /// The points of the sweep whose architecture is a preset's (see ``PlotPoint/preset``), with their datasets;
  /// found by SQL on the architecture columns, so a large sweep is not read.
  public func presetPoints(sweep: String, x: ResultColumn, y: ResultColumn) throws(StoreError)
    -> [PlotPoint]
  {
    let state = try self.sweep(named: sweep)
    let query = try PointQuery(sweepID: state.id, x: x, y: y)
    var conditions: [String] = []
    var arguments = query.arguments
    for preset in Preset.allCases {
      guard let p = try? ModelConfiguration(preset: preset) else { continue }
      conditions.append(
        "(c.frames = ? AND c.crop = ? AND c.test_crop = ? AND c.width_factor = ? AND c.depth_factor = ? "
          + "AND c.bottleneck_factor = ? AND c.classes = ? AND c.batch = ?)")
      arguments +=
        [
          p.frames, p.crop, p.evaluatedCrop, p.widthFactor, p.depthFactor, p.bottleneckFactor, p.classes,
          p.batch,
        ] as [any DatabaseValueConvertible]
    }
    let dataset =
      query.datasetAlias.map { "(SELECT name FROM datasets WHERE id = \($0).dataset_id)" } ?? "NULL"
    let sql = """
      SELECT c.id, \(query.x), \(query.y), \(dataset) \(query.from)
      AND (\(conditions.joined(separator: " OR "))) ORDER BY c.id
      """
    let rows = try read { db in
      try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map {
        (id: $0[0] as Int64, x: $0[1] as Double?, y: $0[2] as Double?, dataset: $0[3] as String?)
      }
    }
    let details = try pointDetails(ids: Array(Set(rows.map(\.id))).sorted())
    return rows.compactMap { row in
      guard var point = details[row.id], point.preset != nil else { return nil }
      point.x = row.x ?? .nan
      point.y = row.y ?? .nan
      point.dataset = row.dataset
      return point
    }
  }
}
