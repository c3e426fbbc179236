import Foundation
import GRDB
import SweepStore
import TestSupport
import Testing

/// Databases the store must refuse without writing a byte (it used to switch them to WAL first), and queries that
/// must not exhaust memory or print an address.
struct HostileDatabaseTests {
  /// A rollback-journal database made by `body` at a fresh path.
  func database(_ body: (Database) throws -> Void) throws -> (path: String, directory: URL) {
    let (path, directory) = temporaryDatabase()
    let queue = try DatabaseQueue(path: path)
    try queue.write(body)
    try queue.close()
    return (path, directory)
  }

  func expectRefusedUntouched(_ path: String, _ directory: URL, _ expected: StoreError) throws {
    let before = try FolderSnapshot(directory)
    Thread.sleep(forTimeInterval: 0.01)
    for access in [ResultsStore.Access.readWrite, .readOnly] {
      #expect(throws: expected) { _ = try ResultsStore(path: path, access: access) }
    }
    let after = try FolderSnapshot(directory)
    #expect(after == before, "the folder changed: \(after.files.keys.sorted())")
  }

  @Test func foreignDatabaseIsRefusedBeforeAnythingIsWritten() throws {
    let (path, directory) = try database {
      try $0.execute(sql: "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('x')")
    }
    defer { try? FileManager.default.removeItem(at: directory) }
    try expectRefusedUntouched(path, directory, .foreignDatabase(path: path))
  }

  @Test func newerSchemaIsRefusedBeforeAnythingIsWritten() throws {
    let (path, directory) = try database {
      try $0.execute(sql: "CREATE TABLE later (x); PRAGMA user_version = 99")
    }
    defer { try? FileManager.default.removeItem(at: directory) }
    try expectRefusedUntouched(
      path, directory, .newerSchema(path: path, found: 99, supported: ResultsStore.supportedSchemaVersion))
  }

  @Test func negativeUserVersionIsRefusedBeforeAnythingIsWritten() throws {
    let (path, directory) = try database { try $0.execute(sql: "PRAGMA user_version = -7") }
    defer { try? FileManager.default.removeItem(at: directory) }
    try expectRefusedUntouched(path, directory, .invalidSchemaVersion(path: path, found: -7))
  }

  @Test func truncatedDatabaseIsRefused() throws {
    let (path, directory) = temporaryDatabase()
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
      let store = try ResultsStore(path: path)
      _ = try SweepRunner(plan: smallPlan(), evaluator: costModel).run(
        into: store, record: record("s", smallPlan()), now: { "now" })
    }
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    let cut = bytes.count / 2
    try bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
    try expectRefusedUntouched(
      path, directory, .truncatedDatabase(path: path, expectedBytes: bytes.count, foundBytes: cut))
  }

  @Test func standardRegenerationChecksEveryPreconditionFirst() throws {
    let (path, directory) = temporaryDatabase()
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try ResultsStore(path: path)
    _ = try store.beginSweep(record("standard", smallPlan()))
    #expect(throws: StoreError.self) {
      try StandardResults.regenerate(into: store, evaluator: costModel, toolVersion: "test")
    }
    #expect(try store.sweepNames() == ["standard"], "the presets sweep was written before the refusal")
    #expect(try count(store, "SELECT count(*) FROM measurements") == 0)
    #expect(try count(store, "SELECT count(*) FROM configs") == 0)
  }

  @Test func fts3TokenizerCannotPrintAnAddress() throws {
    let store = try ResultsStore.inMemory()
    for sql in ["SELECT fts3_tokenizer('simple')", "SELECT hex(fts3_tokenizer('porter'))"] {
      #expect(throws: StoreError.sql(message: "fts3_tokenizer is disabled: it returns a memory address")) {
        _ = try store.query(sql)
      }
    }
  }

  @Test func queryResultsAreBounded() throws {
    let store = try ResultsStore.inMemory()
    let twenty = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 20) SELECT x FROM c"
    #expect(try store.query(twenty, maximumRows: 20).rows.count == 20)
    #expect(throws: StoreError.resultTooLarge(rows: 19, bytes: QueryResult.defaultMaximumBytes)) {
      _ = try store.query(twenty, maximumRows: 19)
    }
    let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c"
    #expect(throws: StoreError.resultTooLarge(rows: 1000, bytes: QueryResult.defaultMaximumBytes)) {
      _ = try store.query(endless, maximumRows: 1000)
    }
    // One cell beyond the byte bound is stopped by SQLite's length limit, before it is allocated.
    #expect(throws: StoreError.resultTooLarge(rows: 10, bytes: 1 << 20)) {
      _ = try store.query("SELECT zeroblob(2000000)", maximumRows: 10, maximumBytes: 1 << 20)
    }
    // Many small cells add up to the byte bound too.
    #expect(throws: StoreError.resultTooLarge(rows: 1000, bytes: 1 << 12)) {
      _ = try store.query(
        twenty.replacingOccurrences(of: "LIMIT 20", with: "LIMIT 900"), maximumRows: 1000, maximumBytes: 1 << 12)
    }
    // The length limit is restored afterwards.
    #expect(try store.query("SELECT length(zeroblob(2000000))").rows == [[.integer(2_000_000)]])
  }

  @Test func readOnlyCopyInAReadOnlyFolderCanBeQueried() throws {
    let (path, directory) = temporaryDatabase()
    defer {
      ReadOnlyFolder.release(directory)
      try? FileManager.default.removeItem(at: directory)
    }
    do {
      let store = try ResultsStore(path: path)
      _ = try SweepRunner(plan: smallPlan(), evaluator: costModel).run(
        into: store, record: record("s", smallPlan()), now: { "now" })
    }
    guard ReadOnlyFolder.make(directory) else {
      Issue.record("cannot make a folder read-only here (neither chmod nor chattr +i)")
      return
    }
    let before = try FolderSnapshot(directory)
    let store = try ResultsStore(path: path, access: .readOnly)
    #expect(try count(store, "SELECT count(*) FROM configs") == 36)
    #expect(try FolderSnapshot(directory) == before)
  }
}
