import GRDB

/// The SQL that reads a sweep's configurations as (x, y) pairs: the `FROM … WHERE` part shared by the point list,
/// the streaming Pareto scan and the presets' points. A measured coordinate joins `measurements` (one row per
/// dataset that measured the configuration); when both coordinates are measured they come from the same dataset
/// unless named.
struct PointQuery {
  /// `c.macs`, `m1.value`.
  var x: String
  var y: String
  /// `FROM configs c JOIN … WHERE c.sweep_id = ?`.
  var from: String
  var arguments: [any DatabaseValueConvertible]
  /// The alias of the first measurement join, whose dataset a point reports; nil when no coordinate is measured.
  var datasetAlias: String?

  init(sweepID: Int64, x: ResultColumn, y: ResultColumn) throws(StoreError) {
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
    arguments.append(sweepID)
    self.x = expressions[0]
    self.y = expressions[1]
    self.from = "FROM configs c \(joins.joined(separator: " ")) WHERE c.sweep_id = ?"
    self.arguments = arguments
    self.datasetAlias = firstMeasurement
  }
}
