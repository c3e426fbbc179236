import GRDB
import GRDBSQLite

extension ResultsStore {
  /// Runs one read-only SQL statement and returns its rows. A statement that would write (`INSERT`, `UPDATE`,
  /// `DELETE`, DDL, `ATTACH`, writing pragmas …) is refused before it runs, as is more than one statement; the
  /// statement also runs on a read-only connection when the store was opened `.readOnly`.
  ///
  /// Memory is bounded: more than `maximumRows` rows, or cells adding up to more than `maximumBytes` (text and blobs
  /// by their length, other values 8 bytes), stop the query with ``StoreError/resultTooLarge(rows:bytes:)``; so does
  /// a single string or blob longer than `maximumBytes` (SQLite's length limit is lowered while the query runs).
  public func query(
    _ sql: String, arguments: [String] = [], maximumRows: Int = QueryResult.defaultMaximumRows,
    maximumBytes: Int = QueryResult.defaultMaximumBytes
  ) throws(StoreError) -> QueryResult {
    try read { db in
      let connection = db.sqliteConnection
      let lengthLimit = Int32(clamping: max(maximumBytes, 1))
      let previousLimit = sqlite3_limit(connection, SQLITE_LIMIT_LENGTH, lengthLimit)
      defer { sqlite3_limit(connection, SQLITE_LIMIT_LENGTH, previousLimit) }
      let tooLarge = StoreError.resultTooLarge(rows: maximumRows, bytes: maximumBytes)
      let statements = try db.allStatements(sql: sql)
      guard let statement = try statements.next() else {
        throw StoreError.sql(message: "no SQL statement given")
      }
      guard try statements.next() == nil else {
        throw StoreError.sql(message: "one statement at a time, please (found more than one)")
      }
      // SQLite counts ATTACH as read-only, but it can create a file and opens a database to write to.
      let keyword = statement.sql.drop(while: \.isWhitespace).prefix(6).uppercased()
      guard statement.isReadonly, keyword != "ATTACH", keyword != "DETACH" else {
        throw StoreError.writingStatement(sql: sql)
      }
      if !arguments.isEmpty { try statement.setArguments(StatementArguments(arguments)) }
      let columns = statement.columnNames
      var rows: [[QueryResult.Cell]] = []
      var bytes = 0
      do {
        let cursor = try Row.fetchCursor(statement)
        while let row = try cursor.next() {
          let cells = (0..<columns.count).map { Self.cell(row[$0] as DatabaseValue) }
          bytes += cells.reduce(0) { $0 + $1.byteCount }
          guard rows.count < maximumRows, bytes <= maximumBytes else { throw tooLarge }
          rows.append(cells)
        }
      } catch let error as DatabaseError where error.resultCode == .SQLITE_TOOBIG {
        throw tooLarge
      }
      return QueryResult(columns: columns, rows: rows)
    }
  }

  static func cell(_ value: DatabaseValue) -> QueryResult.Cell {
    switch value.storage {
    case .null: .null
    case .int64(let value): .integer(value)
    case .double(let value): .real(value)
    case .string(let value): .text(value)
    case .blob(let data): .blob(Array(data))
    }
  }
}
