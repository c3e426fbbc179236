import GRDB

/// Migration v2: searches, their candidates and the score cache.
enum SearchMigration {
  static func body(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE searches (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          settings TEXT NOT NULL,
          criterion TEXT NOT NULL,
          measure TEXT NOT NULL,
          target INTEGER NOT NULL CHECK (target > 0),
          status TEXT NOT NULL CHECK (status IN ('finished', 'pending')),
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE search_candidates (
          search_id INTEGER NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
          step INTEGER NOT NULL,
          position INTEGER NOT NULL,
          phase TEXT NOT NULL CHECK (phase IN ('start', 'forward', 'contraction')),
          axis TEXT CHECK (axis IN ('tau', 't', 's', 'w', 'b', 'd')),
          factor REAL NOT NULL,
          gamma_tau REAL NOT NULL,
          gamma_t REAL NOT NULL,
          gamma_s REAL NOT NULL,
          gamma_w REAL NOT NULL,
          gamma_b REAL NOT NULL,
          gamma_d REAL NOT NULL,
          config_key TEXT NOT NULL,
          frames INTEGER NOT NULL,
          crop INTEGER NOT NULL,
          sampling_rate REAL NOT NULL,
          width_factor REAL NOT NULL,
          depth_factor REAL NOT NULL,
          bottleneck_factor REAL NOT NULL,
          complexity INTEGER NOT NULL,
          score REAL,
          status TEXT NOT NULL CHECK (status IN ('scored', 'failed', 'pending')),
          reason TEXT,
          chosen INTEGER NOT NULL CHECK (chosen IN (0, 1)),
          PRIMARY KEY (search_id, step, position)
        ) STRICT;

        CREATE TABLE search_scores (
          criterion TEXT NOT NULL,
          config_key TEXT NOT NULL,
          score REAL,
          status TEXT NOT NULL CHECK (status IN ('scored', 'failed')),
          reason TEXT,
          detail TEXT,
          recorded_at TEXT NOT NULL,
          CHECK ((status = 'scored') = (score IS NOT NULL)),
          PRIMARY KEY (criterion, config_key)
        ) STRICT, WITHOUT ROWID;

        CREATE VIEW search_path AS
          SELECT s.name AS search, c.* FROM search_candidates c JOIN searches s ON s.id = c.search_id
          WHERE c.chosen = 1 ORDER BY s.name, c.step;
        """)
  }
}
