import GRDB

/// A cached criterion score: per criterion and configuration, a score or a failure with its reason and output.
public struct SearchScoreRecord: Hashable, Sendable {
  public var criterion: String
  public var configKey: String
  /// nil when the criterion failed.
  public var score: Double?
  public var reason: String?
  /// What the failed criterion printed (a command's stderr).
  public var detail: String?
  public var recordedAt: String

  public init(
    criterion: String, configKey: String, score: Double?, reason: String?, detail: String?, recordedAt: String
  ) {
    self.criterion = criterion
    self.configKey = configKey
    self.score = score
    self.reason = reason
    self.detail = detail
    self.recordedAt = recordedAt
  }
}

/// A search as stored: its name, settings, criterion and where it stands.
public struct SearchRecordRow: Hashable, Sendable {
  public var name: String
  public var settings: String
  public var criterion: String
  public var measure: String
  public var target: Int
  /// `finished` or `pending`.
  public var status: String
  public var updatedAt: String

  public init(
    name: String, settings: String, criterion: String, measure: String, target: Int, status: String,
    updatedAt: String
  ) {
    self.name = name
    self.settings = settings
    self.criterion = criterion
    self.measure = measure
    self.target = target
    self.status = status
    self.updatedAt = updatedAt
  }
}

/// One candidate of one step of a search.
public struct SearchCandidateRow: Hashable, Sendable {
  public var step: Int
  public var position: Int
  /// `start`, `forward` or `contraction`.
  public var phase: String
  public var axis: String?
  public var factor: Double
  /// γτ, γt, γs, γw, γb, γd.
  public var gammas: [Double]
  public var configKey: String
  public var frames: Int
  public var crop: Int
  public var samplingRate: Double
  public var widthFactor: Double
  public var depthFactor: Double
  public var bottleneckFactor: Double
  public var complexity: Int
  public var score: Double?
  /// `scored`, `failed` or `pending`.
  public var status: String
  public var reason: String?
  public var chosen: Bool

  public init(
    step: Int, position: Int, phase: String, axis: String?, factor: Double, gammas: [Double], configKey: String,
    frames: Int, crop: Int, samplingRate: Double, widthFactor: Double, depthFactor: Double,
    bottleneckFactor: Double, complexity: Int, score: Double?, status: String, reason: String?, chosen: Bool
  ) {
    self.step = step
    self.position = position
    self.phase = phase
    self.axis = axis
    self.factor = factor
    self.gammas = gammas
    self.configKey = configKey
    self.frames = frames
    self.crop = crop
    self.samplingRate = samplingRate
    self.widthFactor = widthFactor
    self.depthFactor = depthFactor
    self.bottleneckFactor = bottleneckFactor
    self.complexity = complexity
    self.score = score
    self.status = status
    self.reason = reason
    self.chosen = chosen
  }
}

extension ResultsStore {
  /// The cached outcome of `criterion` for a configuration, if any.
  public func searchScore(criterion: String, configKey: String) throws(StoreError) -> SearchScoreRecord? {
    try read { db in
      try Row.fetchOne(
        db,
        sql: """
          SELECT score, reason, detail, recorded_at FROM search_scores WHERE criterion = ? AND config_key = ?
          """,
        arguments: [criterion, configKey]
      ).map {
        SearchScoreRecord(
          criterion: criterion, configKey: configKey, score: $0["score"], reason: $0["reason"],
          detail: $0["detail"], recordedAt: $0["recorded_at"])
      }
    }
  }

  /// Caches a criterion's outcome (replacing an earlier one for the same criterion and configuration).
  public func recordSearchScore(_ record: SearchScoreRecord) throws(StoreError) {
    try write { db in
      try db.execute(
        sql: """
          INSERT OR REPLACE INTO search_scores (criterion, config_key, score, status, reason, detail, recorded_at)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          record.criterion, record.configKey, record.score, record.score == nil ? "failed" : "scored",
          record.reason, record.detail, record.recordedAt,
        ])
    }
  }

  /// Writes a search and replaces its candidate rows, in one transaction.
  public func replaceSearch(_ search: SearchRecordRow, candidates: [SearchCandidateRow]) throws(StoreError) {
    try write { db in
      try db.execute(
        sql: """
          INSERT INTO searches (name, settings, criterion, measure, target, status, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (name) DO UPDATE SET settings = excluded.settings, criterion = excluded.criterion,
            measure = excluded.measure, target = excluded.target, status = excluded.status,
            updated_at = excluded.updated_at
          """,
        arguments: [
          search.name, search.settings, search.criterion, search.measure, search.target, search.status,
          search.updatedAt, search.updatedAt,
        ])
      let id = try Int64.fetchOne(db, sql: "SELECT id FROM searches WHERE name = ?", arguments: [search.name])!
      try db.execute(sql: "DELETE FROM search_candidates WHERE search_id = ?", arguments: [id])
      let insert = try db.cachedStatement(
        sql: """
          INSERT INTO search_candidates (search_id, step, position, phase, axis, factor, gamma_tau, gamma_t,
            gamma_s, gamma_w, gamma_b, gamma_d, config_key, frames, crop, sampling_rate, width_factor,
            depth_factor, bottleneck_factor, complexity, score, status, reason, chosen)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """)
      for row in candidates {
        var arguments: StatementArguments = [id, row.step, row.position, row.phase, row.axis, row.factor]
        arguments += StatementArguments(row.gammas)
        arguments += [
          row.configKey, row.frames, row.crop, row.samplingRate, row.widthFactor, row.depthFactor,
          row.bottleneckFactor, row.complexity, row.score, row.status, row.reason, row.chosen ? 1 : 0,
        ]
        try insert.execute(arguments: arguments)
      }
    }
  }

  /// The stored search of this name, if any.
  public func search(named name: String) throws(StoreError) -> SearchRecordRow? {
    try read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM searches WHERE name = ?", arguments: [name]).map {
        SearchRecordRow(
          name: $0["name"], settings: $0["settings"], criterion: $0["criterion"], measure: $0["measure"],
          target: $0["target"], status: $0["status"], updatedAt: $0["updated_at"])
      }
    }
  }

  /// The configuration keys of a search's pending candidates.
  public func pendingKeys(search name: String) throws(StoreError) -> Set<String> {
    try read { db in
      Set(
        try String.fetchAll(
          db,
          sql: """
            SELECT c.config_key FROM search_candidates c JOIN searches s ON s.id = c.search_id
            WHERE s.name = ? AND c.status = 'pending'
            """, arguments: [name]))
    }
  }
}

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
