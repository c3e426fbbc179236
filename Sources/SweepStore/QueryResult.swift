/// A table of values read from the database: column names and rows of cells.
public struct QueryResult: Hashable, Sendable {
  /// One value as SQLite stores it.
  public enum Cell: Hashable, Sendable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// Integers in full, reals in Swift's shortest round-trip form, NULL as an empty string.
    public var description: String {
      switch self {
      case .null: ""
      case .integer(let value): String(value)
      case .real(let value): "\(value)"
      case .text(let value): value
      case .blob(let bytes): "x'" + bytes.map { String($0, radix: 16).leftPadded(2) }.joined() + "'"
      }
    }

    /// The bytes the value counts for against a query's memory bound: text and blobs by length, others 8.
    var byteCount: Int {
      switch self {
      case .text(let value): max(8, value.utf8.count)
      case .blob(let bytes): max(8, bytes.count)
      case .null, .integer, .real: 8
      }
    }

    /// The value as a number, when it is one.
    public var number: Double? {
      switch self {
      case .integer(let value): Double(value)
      case .real(let value): value
      case .null, .text, .blob: nil
      }
    }
  }

  /// The default bounds of ``ResultsStore/query(_:arguments:maximumRows:maximumBytes:)``.
  public static let defaultMaximumRows = 1_000_000
  public static let defaultMaximumBytes = 256 << 20

  public var columns: [String]
  public var rows: [[Cell]]

  public init(columns: [String], rows: [[Cell]]) {
    self.columns = columns
    self.rows = rows
  }
}

extension String {
  fileprivate func leftPadded(_ width: Int) -> String {
    String(repeating: "0", count: max(0, width - count)) + self
  }
}
