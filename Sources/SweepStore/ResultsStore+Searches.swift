import GRDB

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
