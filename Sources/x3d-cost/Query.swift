import ArgumentParser
import Foundation
import SweepStore

extension X3DCost {
  /// `x3d-cost query "SQL"`: read-only SQL against the results database.
  struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run one read-only SQL statement against the results database and print the rows.",
      discussion: """
        Tables: sweeps, configs, layers, datasets, metrics, measurements; views: results (configs with the sweep \
        name), measured (measurements joined to configurations). docs/store.md has the schema and examples. \
        A statement that writes is refused.
        """)

    @Argument(help: "One SQL statement (SELECT, WITH …, read-only PRAGMA).")
    var sql: String

    @OptionGroup var store: StoreOptions

    @Option(help: "table, csv, json or markdown.")
    var format: OutputFormat = .table

    @Option(
      parsing: .unconditional,
      help: "Refuse a result of more rows than this (results are also bounded at 256 MiB).")
    var maxRows = QueryResult.defaultMaximumRows

    func validate() throws {
      try FlagBounds.positive(maxRows, "--max-rows")
    }

    func run() throws {
      let result = try store.open(.readOnly).query(sql, maximumRows: maxRows)
      print(Self.render(result, format), terminator: "")
    }

    static func render(_ result: QueryResult, _ format: OutputFormat) -> String {
      if format == .json { return json(result) }
      // CSV is data for programs and keeps every character (quoted); the tables go to terminals.
      let raw = format == .csv
      func shown(_ text: String) -> String { raw ? text : TerminalText.escaped(text) }
      var table = TextTable(result.columns.map { (shown($0), TextTable.Alignment.left) })
      if let first = result.rows.first {
        table.alignments = first.map { $0.number == nil ? .left : .right }
      }
      for row in result.rows { table.append(row.map { shown($0.description) }) }
      return table.render(format)
    }

    /// An array of objects, keys in column order; integers exact, NULL as null.
    static func json(_ result: QueryResult) -> String {
      let objects = result.rows.map { row in
        "  {"
          + zip(result.columns, row).map { "\(quoted($0)): \(value($1))" }.joined(separator: ", ")
          + "}"
      }
      return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    private static func value(_ cell: QueryResult.Cell) -> String {
      switch cell {
      case .null: "null"
      case .integer(let value): String(value)
      case .real(let value): value.isFinite ? "\(value)" : "null"
      case .text, .blob: quoted(cell.description)
      }
    }

    private static func quoted(_ text: String) -> String {
      var out = "\""
      for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
          if scalar.value < 0x20 {
            out += String(format: "\\u%04x", scalar.value)
          } else {
            out.unicodeScalars.append(scalar)
          }
        }
      }
      return out + "\""
    }
  }
}
