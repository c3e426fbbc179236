import SweepStore

/// A table of strings rendered as aligned text, or Markdown and RFC 4180 CSV through ``TableText``.
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
    TableText.markdown(headers: headers, rightAligned: alignments.map { $0 == .right }, rows: rows)
  }

  func csv() -> String { TableText.csv([headers] + rows) }
}

extension String {
  fileprivate var trailingSpacesRemoved: String {
    var result = self
    while result.last == " " { result.removeLast() }
    return result
  }
}
