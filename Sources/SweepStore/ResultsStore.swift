import Foundation
import GRDB

/// The results database: one type owns the SQLite connection and exposes reads and writes named for their intent.
///
/// Opening a writable store applies the pending migrations (``StoreMigrations``) and refuses a database written by
/// a newer tool. The journal is WAL, so queries run while a sweep writes, and every write is one `IMMEDIATE`
/// transaction, so two processes writing the same file wait for each other (up to the busy timeout) and lose
/// nothing. SQL text lives only in this module.
public final class ResultsStore: Sendable {
  /// How a store is opened.
  public enum Access: Sendable {
    /// Create the file if needed and migrate it to the latest schema.
    case readWrite
    /// Read-only connection; the file must exist and have the latest schema.
    case readOnly
  }

  /// The file path, or `:memory:`.
  public let path: String
  let queue: DatabaseQueue
  let busyTimeout: Double

  /// Opens (or with `.readWrite` creates) the database at `path`.
  public init(path: String, access: Access = .readWrite, busyTimeout: Double = 10)
    throws(StoreError)
  {
    self.path = path
    self.busyTimeout = busyTimeout
    let exists = FileManager.default.fileExists(atPath: path)
    if access == .readOnly && !exists { throw .missingDatabase(path: path) }
    if exists { try Self.checkHeader(path) }
    var configuration = Configuration()
    configuration.readonly = access == .readOnly
    configuration.busyMode = .timeout(busyTimeout)
    configuration.journalMode = access == .readOnly ? .default : .wal
    configuration.prepareDatabase { db in
      // WAL + NORMAL: a crash or kill never corrupts; a power loss may drop the last commits. A 32 MiB page
      // cache keeps a large sweep's unique index in memory.
      if !db.configuration.readonly { try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768") }
    }
    do {
      queue = try DatabaseQueue(path: path, configuration: configuration)
    } catch {
      throw Self.mapped(error, path: path, busyTimeout: busyTimeout)
    }
    try prepareSchema(access)
  }

  /// A fresh private in-memory database with the latest schema (for tests and scratch work).
  public static func inMemory() throws(StoreError) -> ResultsStore {
    let queue: DatabaseQueue
    do { queue = try DatabaseQueue() } catch {
      throw mapped(error, path: ":memory:", busyTimeout: 0)
    }
    let store = ResultsStore(queue: queue, path: ":memory:")
    try store.prepareSchema(.readWrite)
    return store
  }

  private init(queue: DatabaseQueue, path: String) {
    self.queue = queue
    self.path = path
    self.busyTimeout = 0
  }

  /// The schema version of the open database (`PRAGMA user_version`).
  public func schemaVersion() throws(StoreError) -> Int {
    try read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
  }

  /// The schema version this build writes.
  public static var supportedSchemaVersion: Int { StoreMigrations.latestVersion }

  private func prepareSchema(_ access: Access) throws(StoreError) {
    let path = self.path
    let (found, superseded, foreign, complete) = try read { db in
      let migrator = StoreMigrations.migrator
      let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
      let hasMigrations = try db.tableExists("grdb_migrations")
      let tables =
        try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
      let superseded = hasMigrations ? try migrator.hasBeenSuperseded(db) : false
      let complete = hasMigrations ? try migrator.hasCompletedMigrations(db) : false
      return (version, superseded, !hasMigrations && tables > 0, complete)
    }
    if foreign { throw .foreignDatabase(path: path) }
    let supported = StoreMigrations.latestVersion
    if found > supported || superseded {
      throw .newerSchema(path: path, found: max(found, supported + 1), supported: supported)
    }
    switch access {
    case .readOnly:
      if !complete { throw .olderSchema(path: path, found: found, supported: supported) }
    case .readWrite:
      try migrate()
    }
  }

  /// Applies pending migrations. Two processes opening a fresh file at once may both find a migration pending;
  /// the loser's transaction fails (the table exists) and rolls back, and its retry finds the migration applied.
  private func migrate() throws(StoreError) {
    for attempt in 1...3 {
      do {
        try StoreMigrations.migrator.migrate(queue)
        return
      } catch {
        let complete = (try? queue.read { try StoreMigrations.migrator.hasCompletedMigrations($0) }) ?? false
        if complete { return }
        if attempt == 3 { throw Self.mapped(error, path: path, busyTimeout: busyTimeout) }
      }
    }
  }

  /// SQLite files start with this 16-byte magic; anything else is refused before SQLite touches it.
  private static func checkHeader(_ path: String) throws(StoreError) {
    guard let handle = FileHandle(forReadingAtPath: path) else { return }
    defer { try? handle.close() }
    let header = (try? handle.read(upToCount: 16)) ?? Data()
    if header.isEmpty { return }
    if header != Data("SQLite format 3\0".utf8) { throw .notADatabase(path: path) }
  }

  // MARK: Access with error mapping

  func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
    do { return try queue.read(body) } catch {
      throw Self.mapped(error, path: path, busyTimeout: busyTimeout)
    }
  }

  /// One `IMMEDIATE` transaction: all of `body` is stored, or none of it.
  func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
    do { return try queue.write(body) } catch {
      throw Self.mapped(error, path: path, busyTimeout: busyTimeout)
    }
  }

  static func mapped(_ error: any Error, path: String, busyTimeout: Double) -> StoreError {
    if let error = error as? StoreError { return error }
    if let error = error as? DatabaseError {
      switch error.resultCode {
      case .SQLITE_NOTADB: return .notADatabase(path: path)
      case .SQLITE_BUSY, .SQLITE_LOCKED: return .locked(path: path, seconds: busyTimeout)
      default: return .sql(message: error.message ?? "\(error)")
      }
    }
    return .sql(message: "\(error)")
  }
}
