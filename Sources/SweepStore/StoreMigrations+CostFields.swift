import CostModel
import GRDB

/// Migration v4: a column for every ``CostField`` whose ``CostField/schemaVersion`` is 4 (memory traffic and the
/// training step's multiply-adds), as ``addColumns(ofFieldsAddedIn:_:)`` adds them.
enum CostFieldsMigration {
  static let version = 4

  static func body(_ db: Database) throws { try addColumns(ofFieldsAddedIn: version, db) }

  /// A column for every ``CostField`` whose ``CostField/schemaVersion`` is `version`: in `configs` for
  /// whole-network fields, in `layers` for per-node fields. Rows written before have NULL there (their sweeps did
  /// not compute them), never a made-up zero. Every migration that adds cost fields runs this.
  static func addColumns(ofFieldsAddedIn version: Int, _ db: Database) throws {
    for field in CostField.allCases where field.schemaVersion == version {
      if field.isNetworkTotal { try db.execute(sql: "ALTER TABLE configs ADD COLUMN \(field.name) INTEGER") }
      if field.isPerLayer { try db.execute(sql: "ALTER TABLE layers ADD COLUMN \(field.name) INTEGER") }
    }
  }
}
