import GRDB

/// Migration v5: `configs` without `UNIQUE (sweep_id, key)`, and a stored row count per sweep.
///
/// A unique text index maintained row by row, with keys arriving in plan order rather than key order, took over a
/// third of a large sweep's writing thread (3.6 CPU-s per 10^6 rows with it, 2.3 without; docs/store.md). Storing a configuration once needs no such index where the plan cannot produce one
/// key twice (``SweepPlan/keysAreDistinct``): there, the committed cursor alone says which rows are stored. Other
/// sweeps get a unique index over their own rows when they start (`configs_key_of_sweep_<id>`, a partial index).
/// `sweeps.stored` counts a sweep's rows, kept with every batch, so reading a sweep does not count its rows.
enum UnindexedKeysMigration {
  static func body(_ db: Database) throws {
    // The table is rebuilt from its own definition, so columns that earlier migrations added are kept.
    let definition = try String.fetchOne(
      db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'configs'")
    guard let definition, let constraint = definition.firstRange(of: try Regex(#",\s*UNIQUE \(sweep_id, key\)"#))
    else { throw DatabaseError(message: "configs has no UNIQUE (sweep_id, key) to drop") }
    var rebuilt = definition
    rebuilt.removeSubrange(constraint)
    rebuilt = rebuilt.replacing("CREATE TABLE configs", with: "CREATE TABLE configs_rebuilt", maxReplacements: 1)
    try db.execute(
      sql: """
        DROP VIEW results;
        DROP VIEW measured;
        \(rebuilt);
        INSERT INTO configs_rebuilt SELECT * FROM configs;
        DROP TABLE configs;
        ALTER TABLE configs_rebuilt RENAME TO configs;

        CREATE VIEW results AS
          SELECT s.name AS sweep, c.* FROM configs c JOIN sweeps s ON s.id = c.sweep_id;

        CREATE VIEW measured AS
          SELECT s.name AS sweep, d.name AS dataset, m.metric, m.value, c.*
          FROM measurements m
          JOIN datasets d ON d.id = m.dataset_id
          JOIN configs c ON c.key = m.config_key
          JOIN sweeps s ON s.id = c.sweep_id;

        ALTER TABLE sweeps ADD COLUMN stored INTEGER NOT NULL DEFAULT 0 CHECK (stored >= 0);
        UPDATE sweeps SET stored = (SELECT count(*) FROM configs WHERE sweep_id = sweeps.id);
        """)
  }
}
