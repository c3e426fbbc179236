import Foundation
import GRDB
import SweepStore
import Testing

/// Migrations, the recorded schema version, WAL, and the databases the store refuses.
struct SchemaTests {
  @Test func freshDatabaseHasLatestSchemaAndTables() throws {
    let store = try ResultsStore.inMemory()
    #expect(try store.schemaVersion() == ResultsStore.supportedSchemaVersion)
    let tables = try store.query(
      "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")
    let names = tables.rows.map { $0[0].description }
    for table in [
      "configs", "datasets", "layers", "measurements", "measured", "metrics", "results", "sweeps",
    ] {
      #expect(names.contains(table), "missing \(table) in \(names)")
    }
    #expect(
      try count(store, "SELECT count(*) FROM grdb_migrations")
        == ResultsStore.supportedSchemaVersion)
  }

  @Test func fileDatabaseUsesWAL() throws {
    let (path, directory) = temporaryDatabase()
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try ResultsStore(path: path)
    let mode = try store.query("SELECT journal_mode FROM pragma_journal_mode")
    #expect(mode.rows.first?.first == .text("wal"))
  }

  @Test func newerSchemaIsRefusedAndLeftAlone() throws {
    let (path, directory) = temporaryDatabase()
    defer { try? FileManager.default.removeItem(at: directory) }
    _ = try ResultsStore(path: path)
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
      try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
      try db.execute(sql: "PRAGMA user_version = 99")
    }
    try queue.close()
    for access in [ResultsStore.Access.readWrite, .readOnly] {
      #expect(
        throws: StoreError.newerSchema(
          path: path, found: 99, supported: ResultsStore.supportedSchemaVersion)
      ) {
        _ = try ResultsStore(path: path, access: access)
      }
    }
    let reopened = try DatabaseQueue(path: path)
    #expect(try reopened.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == 99)
  }

  @Test func fileThatIsNotADatabaseIsRefusedUnchanged() throws {
    let (path, directory) = temporaryDatabase()
    defer { try? FileManager.default.removeItem(at: directory) }
    let text = "preset,top1\nm,76.2\n"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: StoreError.notADatabase(path: path)) { _ = try ResultsStore(path: path) }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
  }

  @Test func foreignSQLiteDatabaseIsRefused() throws {
    let (path, directory) = temporaryDatabase()
    defer { try? FileManager.default.removeItem(at: directory) }
    let queue = try DatabaseQueue(path: path)
    try queue.write { try $0.execute(sql: "CREATE TABLE notes (text TEXT)") }
    try queue.close()
    #expect(throws: StoreError.foreignDatabase(path: path)) { _ = try ResultsStore(path: path) }
  }

  @Test func readOnlyOpenNeedsAnExistingFile() throws {
    let (path, directory) = temporaryDatabase()
    defer { try? FileManager.default.removeItem(at: directory) }
    #expect(throws: StoreError.missingDatabase(path: path)) {
      _ = try ResultsStore(path: path, access: .readOnly)
    }
    #expect(!FileManager.default.fileExists(atPath: path))
  }

  @Test func lockedDatabaseIsReportedAfterTheBusyTimeout() throws {
    let (path, directory) = temporaryDatabase()
    defer { try? FileManager.default.removeItem(at: directory) }
    _ = try ResultsStore(path: path)
    let holder = try DatabaseQueue(path: path)
    let store = try ResultsStore(path: path, busyTimeout: 0.2)
    try holder.inDatabase { db in
      try db.execute(sql: "BEGIN IMMEDIATE")
      #expect(throws: StoreError.locked(path: path, seconds: 0.2)) {
        _ = try store.beginSweep(record("blocked", smallPlan()))
      }
      try db.execute(sql: "ROLLBACK")
    }
    #expect(try store.sweepNames().isEmpty)
  }
}
