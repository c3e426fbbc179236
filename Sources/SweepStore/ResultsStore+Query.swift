import GRDB

extension ResultsStore {
  /// Runs one read-only SQL statement and returns its rows. A statement that would write (`INSERT`, `UPDATE`,
  /// `DELETE`, DDL, `ATTACH`, writing pragmas …) is refused before it runs, as is more than one statement; the
  /// statement also runs on a read-only connection when the store was opened `.readOnly`.
  public func query(_ sql: String, arguments: [String] = []) throws(StoreError) -> QueryResult {
    try read { db in
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
      let cursor = try Row.fetchCursor(statement)
      while let row = try cursor.next() {
        rows.append((0..<columns.count).map { Self.cell(row[$0] as DatabaseValue) })
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
