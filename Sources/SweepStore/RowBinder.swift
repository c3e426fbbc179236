import GRDB
import GRDBSQLite

/// Binds one row's values to a prepared statement straight through SQLite's C API and steps it: the hot path of a
/// sweep, where building GRDB `StatementArguments` for a million rows costs more than SQLite itself.
struct RowBinder {
  private let statement: SQLiteStatement
  private var index: Int32 = 0

  init(_ statement: Statement) {
    // Every parameter is bound before each step (and `step` resets), so no bindings need clearing.
    self.statement = statement.sqliteStatement
  }

  mutating func bind(_ value: Int) {
    index += 1
    sqlite3_bind_int64(statement, index, Int64(value))
  }

  mutating func bind(_ value: Int64) {
    index += 1
    sqlite3_bind_int64(statement, index, value)
  }

  mutating func bind(_ value: Double) {
    index += 1
    sqlite3_bind_double(statement, index, value)
  }

  mutating func bind(_ value: String?) {
    index += 1
    guard let value else {
      sqlite3_bind_null(statement, index)
      return
    }
    if value.isEmpty {
      sqlite3_bind_text(statement, index, "", 0, Self.transient)
      return
    }
    var text = value
    text.withUTF8 { bytes in
      _ = bytes.withMemoryRebound(to: CChar.self) { chars in
        sqlite3_bind_text(statement, index, chars.baseAddress, Int32(chars.count), Self.transient)
      }
    }
  }

  /// Binds `bytes[start ..< end]` as UTF-8 text (SQLite copies it).
  mutating func bindText(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
    index += 1
    guard end > start, let base = bytes.baseAddress else {
      sqlite3_bind_text(statement, index, "", 0, Self.transient)
      return
    }
    _ = base.advanced(by: start).withMemoryRebound(to: CChar.self, capacity: end - start) { chars in
      sqlite3_bind_text(statement, index, chars, Int32(end - start), Self.transient)
    }
  }

  /// Runs the statement; throws SQLite's error when it does not complete. Returns the rows it changed (0 for an
  /// `INSERT OR IGNORE` that ignored its row), read from SQLite directly: GRDB's `changesCount` checks its queue
  /// on every call, a measurable share of a sweep's writer.
  @discardableResult
  func step(_ db: Database) throws -> Int {
    let code = sqlite3_step(statement)
    sqlite3_reset(statement)
    guard code == SQLITE_DONE else {
      throw DatabaseError(
        resultCode: ResultCode(rawValue: code),
        message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }
    return Int(sqlite3_changes(sqlite3_db_handle(statement)))
  }

  /// The rowid of the last row the statement's connection inserted.
  var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(sqlite3_db_handle(statement)) }

  /// `SQLITE_TRANSIENT`: SQLite copies the text before the call returns.
  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
