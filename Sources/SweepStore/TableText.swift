/// The one writer of CSV and Markdown tables in the package (the `export`, `query`, `pareto`, `cost` and search
/// outputs all go through it).
public enum TableText {
  /// RFC 4180: comma separated, CRLF line ends, a field with a comma, quote or line break quoted, quotes doubled.
  public static func csv(_ rows: [[String]]) -> String {
    rows.map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
  }

  /// One CSV field, quoted when it holds a comma, a quote, CR or LF.
  public static func csvField(_ field: String) -> String {
    guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
      return field
    }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// A GitHub Markdown table: `|` in cells escaped, right-aligned columns marked `---:`.
  public static func markdown(headers: [String], rightAligned: [Bool], rows: [[String]]) -> String {
    func line(_ cells: [String]) -> String {
      "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
    }
    let rule = "|" + rightAligned.map { $0 ? "---:|" : "---|" }.joined()
    return ([line(headers), rule] + rows.map(line)).joined(separator: "\n") + "\n"
  }
}
