/// Reads RFC 4180 CSV: comma-separated fields, optionally quoted (`"a,b"`, `""` for a quote inside), CRLF or LF
/// line ends, a final line end optional. Blank lines are skipped.
enum CSVReader {
  /// Records with their 1-based line numbers.
  static func records(_ text: String) throws(StoreError) -> [(line: Int, fields: [String])] {
    var records: [(line: Int, fields: [String])] = []
    var fields: [String] = []
    var field = ""
    var quoted = false
    var afterQuote = false
    var line = 1
    var recordLine = 1
    var characters = text.makeIterator()
    func endRecord() {
      fields.append(field)
      if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
      fields = []
      field = ""
      afterQuote = false
    }
    while let character = characters.next() {
      if quoted {
        if character == "\"" {
          quoted = false
          afterQuote = true
        } else {
          if character == "\n" || character == "\r\n" { line += 1 }
          field.append(character)
        }
        continue
      }
      switch character {
      case "\"":
        if afterQuote {
          field.append("\"")
          quoted = true
          afterQuote = false
        } else if field.isEmpty {
          quoted = true
        } else {
          throw .malformedCSV(line: line, reason: "a quote inside an unquoted field")
        }
      case ",":
        fields.append(field)
        field = ""
        afterQuote = false
      case "\n", "\r\n", "\r":
        endRecord()
        line += 1
        recordLine = line
      default:
        if afterQuote { throw .malformedCSV(line: line, reason: "text after a closing quote") }
        field.append(character)
      }
    }
    if quoted { throw .malformedCSV(line: line, reason: "a quoted field is not closed") }
    if !field.isEmpty || !fields.isEmpty || afterQuote { endRecord() }
    return records
  }
}
