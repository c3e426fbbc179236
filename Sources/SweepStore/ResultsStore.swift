import Foundation
import GRDB

/// The results database: one type owns the SQLite connection and exposes reads and writes named for their intent.
///
/// Opening a writable store applies the pending migrations (``StoreMigrations``) and refuses a database written by
/// a newer tool, or not by this tool at all, before writing anything to it. The journal is WAL, so queries run while a sweep writes, and every write is one `IMMEDIATE`
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
  ///
  /// Every check that can refuse the file runs before anything is written to it: the header (SQLite magic, a
  /// `user_version` this build knows, a file as long as its header says), then, on a connection that
  /// has not changed the journal mode, the tables (a database this tool did not create is refused). Only then is a
  /// writable file switched to WAL and migrated. A read-only open of a WAL database in a folder where SQLite cannot
  /// create the `-wal` and `-shm` files (a read-only copy) opens the file as immutable.
  public init(path: String, access: Access = .readWrite, busyTimeout: Double = 10)
    throws(StoreError)
  {
    self.path = path
    self.busyTimeout = busyTimeout
    let exists = FileManager.default.fileExists(atPath: path)
    if access == .readOnly && !exists { throw .missingDatabase(path: path) }
    var header: SQLiteFileHeader? = nil
    if exists { header = try Self.checkHeader(path, access: access) }
    var configuration = Configuration()
    configuration.readonly = access == .readOnly
    configuration.busyMode = .timeout(busyTimeout)
    configuration.journalMode = .default
    configuration.prepareDatabase { db in
      // WAL + NORMAL: a crash or kill never corrupts; a power loss may drop the last commits. A 32 MiB page
      // cache keeps a sweep's key index (docs/store.md, v3) in memory. 16 KiB pages (set only when the file is
      // created; an existing file keeps its own) write a large sweep with a quarter of the page writes and
      // checkpoint reads of 4 KiB pages.
      if !db.configuration.readonly {
        try db.execute(sql: "PRAGMA page_size = 16384; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768")
      }
      Self.disableAddressFunctions(db)
    }
    let openedPath =
      access == .readOnly && header.map { Self.needsImmutableOpen(path, $0) } == true
      ? Self.immutableURI(path) : path
    do {
      queue = try DatabaseQueue(path: openedPath, configuration: configuration)
    } catch {
      throw Self.mapped(error, path: path, busyTimeout: busyTimeout)
    }
    try prepareSchema(access)
  }

  /// A fresh private in-memory database with the latest schema (for tests and scratch work).
  public static func inMemory() throws(StoreError) -> ResultsStore {
    let queue: DatabaseQueue
    var configuration = Configuration()
    configuration.prepareDatabase { db in Self.disableAddressFunctions(db) }
    do { queue = try DatabaseQueue(configuration: configuration) } catch {
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
      if path != ":memory:" { try useWAL() }
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

  /// Switches the journal to WAL (a no-op when it already is); done only after the schema checks passed.
  private func useWAL() throws(StoreError) {
    do {
      try queue.writeWithoutTransaction { db in
        let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        if mode?.lowercased() != "wal" {
          throw StoreError.sql(message: "cannot switch \(path) to WAL (journal mode \(mode ?? "unknown"))")
        }
      }
    } catch { throw Self.mapped(error, path: path, busyTimeout: busyTimeout) }
  }

  /// Refuses, from the file's first 100 bytes and before SQLite touches it, a file that is not SQLite, has a
  /// `user_version` no x3d-cost writes (negative, or newer than this build), or, at rest, has lost pages
  /// (truncated: a read-only connection would leave `-wal` and `-shm` files beside it and fail on the first missing
  /// page).
  private static func checkHeader(_ path: String, access: Access) throws(StoreError) -> SQLiteFileHeader? {
    switch SQLiteFileHeader.read(path) {
    case nil, .empty: return nil
    case .notSQLite: throw .notADatabase(path: path)
    case .shortHeader(let size): throw .truncatedDatabase(path: path, expectedBytes: 100, foundBytes: size)
    case .header(let header):
      let supported = StoreMigrations.latestVersion
      if header.userVersion < 0 {
        throw .invalidSchemaVersion(path: path, found: Int(header.userVersion))
      }
      if header.userVersion > supported {
        throw .newerSchema(path: path, found: Int(header.userVersion), supported: supported)
      }
      // A checkpoint or commit in progress writes page 1 before the pages that extend the file, so the length is
      // only checked on a file at rest: no `-wal` or `-journal` beside it (no connection is writing).
      let manager = FileManager.default
      let atRest = !manager.fileExists(atPath: path + "-wal") && !manager.fileExists(atPath: path + "-journal")
      if header.isTruncated && atRest {
        throw .truncatedDatabase(
          path: path, expectedBytes: header.expectedFileSize ?? header.fileSize, foundBytes: header.fileSize)
      }
      return header
    }
  }

  /// A WAL database whose `-wal` and `-shm` files are absent and cannot be created (the folder is not writable):
  /// SQLite cannot open it read-only unless told the file is immutable, which is exact here, since no writer can
  /// exist without those files.
  private static func needsImmutableOpen(_ path: String, _ header: SQLiteFileHeader) -> Bool {
    let manager = FileManager.default
    let folder = (path as NSString).deletingLastPathComponent
    return header.writeVersion == 2 && !manager.isWritableFile(atPath: folder.isEmpty ? "." : folder)
      && !manager.fileExists(atPath: path + "-wal") && !manager.fileExists(atPath: path + "-shm")
  }

  /// `file:/absolute/path?immutable=1`, with the characters URIs reserve percent-encoded.
  private static func immutableURI(_ path: String) -> String {
    let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "?#%")
    return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
  }

  /// `fts3_tokenizer(name)` returns the address of a tokenizer module as a blob: a pointer that `query` would
  /// print. Both of its forms are replaced, on every connection, by a function that refuses with that reason.
  private static func disableAddressFunctions(_ db: Database) {
    for arity in [1, 2] {
      db.add(
        function: DatabaseFunction("fts3_tokenizer", argumentCount: arity, pure: false) { _ in
          throw DatabaseError(message: "fts3_tokenizer is disabled: it returns a memory address")
        })
    }
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

  /// One `IMMEDIATE` transaction, like ``write(_:)``, with SQLite's per-row foreign-key checks off while it runs (they
  /// are switched back on afterwards, also when `body` throws). For a sweep's batches only: every row they insert
  /// references the sweep row that the same transaction updates (and the update throws when that row is gone) or a
  /// configuration row inserted just before, so the checks, one B-tree seek per row, could never fail.
  func writeWithoutForeignKeyChecks<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
    do {
      return try queue.writeWithoutTransaction { db in
        // The pragma is a no-op inside a transaction, so it is set around it.
        try db.execute(sql: "PRAGMA foreign_keys = OFF")
        defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
        var result: T?
        try db.inTransaction {
          result = try body(db)
          return .commit
        }
        guard let result else { throw DatabaseError(message: "the batch transaction returned nothing") }
        return result
      }
    } catch {
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
