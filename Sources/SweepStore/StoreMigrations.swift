import GRDB

/// The schema's history: an ordered list of named migrations, applied forward only.
///
/// A migration is never edited once it has shipped in a committed `results.db`; a change to the schema is a new
/// migration appended to ``all``. Each migration also sets `PRAGMA user_version` to its position (1-based), so the
/// schema version can be read with `sqlite3 results.db 'PRAGMA user_version'`. docs/store.md documents the tables.
enum StoreMigrations {
  /// Migration identifiers and bodies, oldest first.
  static let all: [(identifier: String, body: @Sendable (Database) throws -> Void)] = [
    ("v1-sweeps-configs-layers-measurements", v1),
    ("v2-searches", SearchMigration.body),
    ("v3-views", ViewsMigration.body),
    ("v4-cost-fields-traffic-training", CostFieldsMigration.body),
    ("v5-configs-unindexed-keys", UnindexedKeysMigration.body),
    ("v6-training-flops", TrainingFlopsMigration.body),
  ]

  /// The schema version this build writes and understands.
  static var latestVersion: Int { all.count }

  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    for (version, migration) in all.enumerated() {
      migrator.registerMigration(migration.identifier) { db in
        try migration.body(db)
        try db.execute(sql: "PRAGMA user_version = \(version + 1)")
      }
    }
    return migrator
  }

  /// Sweeps, their configurations with totals, per-layer rows, datasets, metrics and measurements.
  private static func v1(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE sweeps (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          kind TEXT NOT NULL CHECK (kind IN ('sweep', 'presets')),
          created_at TEXT NOT NULL,
          tool_version TEXT NOT NULL,
          implementations TEXT NOT NULL,
          element_type TEXT NOT NULL,
          conventions TEXT NOT NULL,
          command_line TEXT NOT NULL,
          definition TEXT NOT NULL,
          per_layer INTEGER NOT NULL CHECK (per_layer IN (0, 1)),
          planned INTEGER NOT NULL CHECK (planned >= 0),
          next_index INTEGER NOT NULL DEFAULT 0 CHECK (next_index >= 0),
          failed INTEGER NOT NULL DEFAULT 0 CHECK (failed >= 0),
          first_failure TEXT,
          completed_at TEXT
        ) STRICT;

        CREATE TABLE configs (
          id INTEGER PRIMARY KEY,
          sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
          key TEXT NOT NULL,
          preset TEXT,
          implementation TEXT NOT NULL,
          gamma_tau REAL NOT NULL,
          gamma_t REAL NOT NULL,
          gamma_s REAL NOT NULL,
          gamma_w REAL NOT NULL,
          gamma_b REAL NOT NULL,
          gamma_d REAL NOT NULL,
          frames INTEGER NOT NULL,
          crop INTEGER NOT NULL,
          test_crop INTEGER NOT NULL,
          width_factor REAL NOT NULL,
          depth_factor REAL NOT NULL,
          bottleneck_factor REAL NOT NULL,
          classes INTEGER NOT NULL,
          batch INTEGER NOT NULL,
          macs INTEGER NOT NULL,
          conv_macs INTEGER NOT NULL,
          linear_macs INTEGER NOT NULL,
          fvcore_flops INTEGER NOT NULL,
          flops INTEGER NOT NULL,
          params INTEGER NOT NULL,
          params_no_bn INTEGER NOT NULL,
          bn_elements INTEGER NOT NULL,
          activations INTEGER NOT NULL,
          inference_peak_bytes INTEGER NOT NULL,
          training_activation_bytes INTEGER NOT NULL,
          UNIQUE (sweep_id, key)
        ) STRICT;

        CREATE TABLE layers (
          config_id INTEGER NOT NULL REFERENCES configs(id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          name TEXT NOT NULL,
          kind TEXT NOT NULL,
          stage TEXT NOT NULL,
          input_shape TEXT NOT NULL,
          output_shape TEXT NOT NULL,
          geometry TEXT NOT NULL,
          macs INTEGER NOT NULL,
          params INTEGER NOT NULL,
          bn_elements INTEGER NOT NULL,
          activations INTEGER NOT NULL,
          output_elements INTEGER NOT NULL,
          flops INTEGER NOT NULL,
          PRIMARY KEY (config_id, position)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE datasets (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          source TEXT NOT NULL,
          description TEXT NOT NULL,
          imported_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE metrics (
          name TEXT PRIMARY KEY,
          unit TEXT NOT NULL,
          description TEXT NOT NULL,
          better TEXT NOT NULL CHECK (better IN ('higher', 'lower'))
        ) STRICT;

        INSERT INTO metrics (name, unit, description, better) VALUES
          ('top1', '%', 'top-1 accuracy', 'higher'),
          ('top5', '%', 'top-5 accuracy', 'higher'),
          ('latency_ms', 'ms', 'measured latency per clip', 'lower'),
          ('throughput', 'clips/s', 'measured throughput', 'higher'),
          ('memory_bytes', 'bytes', 'measured peak memory', 'lower'),
          ('energy_j', 'J', 'measured energy per clip', 'lower');

        CREATE TABLE measurements (
          dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
          config_key TEXT NOT NULL,
          metric TEXT NOT NULL REFERENCES metrics(name),
          value REAL NOT NULL,
          PRIMARY KEY (dataset_id, config_key, metric)
        ) STRICT, WITHOUT ROWID;

        CREATE INDEX measurements_by_config ON measurements(config_key, metric);

        CREATE VIEW results AS
          SELECT s.name AS sweep, c.* FROM configs c JOIN sweeps s ON s.id = c.sweep_id;

        CREATE VIEW measured AS
          SELECT s.name AS sweep, d.name AS dataset, m.metric, m.value, c.*
          FROM measurements m
          JOIN datasets d ON d.id = m.dataset_id
          JOIN configs c ON c.key = m.config_key
          JOIN sweeps s ON s.id = c.sweep_id;
        """)
  }
}
