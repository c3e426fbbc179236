/// A table of strings rendered as aligned text, Markdown or RFC 4180 CSV.
struct TextTable {
  enum Alignment { case left, right }

  var headers: [String]
  var alignments: [Alignment]
  var rows: [[String]] = []

  init(_ columns: [(String, Alignment)]) {
    headers = columns.map(\.0)
    alignments = columns.map(\.1)
  }

  mutating func append(_ row: [String]) { rows.append(row) }

  func render(_ format: OutputFormat) -> String {
    switch format {
    case .table, .json: aligned()
    case .markdown: markdown()
    case .csv: csv()
    }
  }

  /// Columns padded to their widest cell, two spaces apart.
  func aligned() -> String {
    let widths = headers.indices.map { column in
      ([headers] + rows).map { $0[column].count }.max() ?? 0
    }
    func line(_ cells: [String]) -> String {
      cells.indices.map { column in
        let padding = String(repeating: " ", count: widths[column] - cells[column].count)
        return alignments[column] == .left ? cells[column] + padding : padding + cells[column]
      }.joined(separator: "  ").trailingSpacesRemoved
    }
    return ([line(headers)] + rows.map(line)).joined(separator: "\n") + "\n"
  }

  func markdown() -> String {
    func line(_ cells: [String]) -> String {
      "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
    }
    let rule = "|" + alignments.map { $0 == .left ? "---|" : "---:|" }.joined()
    return ([line(headers), rule] + rows.map(line)).joined(separator: "\n") + "\n"
  }

  /// RFC 4180: comma separated, CRLF line ends, fields with comma, quote or line break quoted, quotes doubled.
  func csv() -> String {
    ([headers] + rows).map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
  }

  static func csvField(_ field: String) -> String {
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}

extension String {
  fileprivate var trailingSpacesRemoved: String {
    var result = self
    while result.last == " " { result.removeLast() }
    return result
  }
}
