import GRDB

/// Migration v3: the multi-view test protocol of sweeps (the views their costs are multiplied by per video) and of
/// datasets (the views their accuracies were measured with), as `CLIPSxCROPS` text; NULL for a dataset whose
/// protocol is not known. The published datasets get theirs.
enum ViewsMigration {
  static func body(_ db: Database) throws {
    try db.execute(
      sql: """
        ALTER TABLE sweeps ADD COLUMN views TEXT NOT NULL DEFAULT '1x1';
        ALTER TABLE datasets ADD COLUMN views TEXT;
        UPDATE datasets SET views = '10x1' WHERE name = 'paper-table3';
        UPDATE datasets SET views = '10x3' WHERE name IN ('slowfast-model-zoo', 'pytorchvideo-model-zoo');
        """)
  }
}

extension ResultsStore {
  /// Records the test protocol of a sweep (costs per video = cost per view × views).
  public func setViews(_ views: TestViews, sweep: String) throws(StoreError) {
    let state = try self.sweep(named: sweep)
    try write { db in
      try db.execute(sql: "UPDATE sweeps SET views = ? WHERE id = ?", arguments: [views.stored, state.id])
    }
  }

  /// Records the test protocol a dataset's accuracies were measured with.
  public func setViews(_ views: TestViews, dataset: String) throws(StoreError) {
    let known = try datasetNames()
    guard known.contains(dataset) else { throw .unknownDataset(name: dataset, known: known) }
    try write { db in
      try db.execute(sql: "UPDATE datasets SET views = ? WHERE name = ?", arguments: [views.stored, dataset])
    }
  }

  /// The test protocol of a sweep (1×1 unless set).
  public func views(sweep: String) throws(StoreError) -> TestViews {
    let state = try self.sweep(named: sweep)
    let text = try read { db in
      try String.fetchOne(db, sql: "SELECT views FROM sweeps WHERE id = ?", arguments: [state.id])
    }
    return text.flatMap(TestViews.init) ?? .single
  }

  /// The test protocol of each dataset that has one, by name.
  public func datasetViews() throws(StoreError) -> [String: TestViews] {
    try read { db in
      var result: [String: TestViews] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT name, views FROM datasets WHERE views IS NOT NULL") {
        if let views = TestViews(row[1] as String) { result[row[0]] = views }
      }
      return result
    }
  }
}
