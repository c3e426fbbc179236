import CostModel
import GRDB

/// Migration v6: a column for every ``CostField`` whose ``CostField/schemaVersion`` is 6 (the training step's
/// FLOPs, `training_flops`): in `configs` for whole-network fields, in `layers` for per-node fields. Rows written
/// before have NULL there (their sweeps did not compute it), never a made-up zero.
enum TrainingFlopsMigration {
  static let version = 6

  static func body(_ db: Database) throws {
    for field in CostField.allCases where field.schemaVersion == version {
      if field.isNetworkTotal { try db.execute(sql: "ALTER TABLE configs ADD COLUMN \(field.name) INTEGER") }
      if field.isPerLayer { try db.execute(sql: "ALTER TABLE layers ADD COLUMN \(field.name) INTEGER") }
    }
  }
}
