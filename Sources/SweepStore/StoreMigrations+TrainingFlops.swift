import CostModel
import GRDB

/// Migration v6: a column for every ``CostField`` whose ``CostField/schemaVersion`` is 6 (the training step's
/// FLOPs, `training_flops`), as ``CostFieldsMigration/addColumns(ofFieldsAddedIn:_:)`` adds them.
enum TrainingFlopsMigration {
  static let version = 6

  static func body(_ db: Database) throws { try CostFieldsMigration.addColumns(ofFieldsAddedIn: version, db) }
}
