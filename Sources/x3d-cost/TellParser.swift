import ExpansionSearch
import Foundation

/// Reads `key,score` lines.
enum TellParser {
  /// One told score and where it came from (`line 3`, or `--key`).
  struct Row {
    var key: String
    var score: String
    var origin: String
  }

  static func parse(_ text: String) throws -> [Row] {
    var rows: [Row] = []
    var first = true
    for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = line.hasSuffix("\r") ? line.dropLast() : line
      if line.allSatisfy(\.isWhitespace) { continue }
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      defer { first = false }
      if first && fields.first == "key" { continue }
      guard fields.count >= 2, !fields[0].isEmpty else {
        throw UsageError("line \(number + 1) of the scores: expected key,score, got '\(line)'")
      }
      rows.append(Row(key: fields[0], score: fields[1], origin: "line \(number + 1)"))
    }
    return rows
  }

  /// One row per key. Two rows for one key are refused, naming both, unless `replacing`: then the later one is
  /// kept and counted in `replaced`.
  static func deduplicated(_ rows: [Row], replacing: Bool) throws -> (rows: [Row], replaced: Int) {
    var kept: [Row] = []
    var position: [String: Int] = [:]
    var replaced = 0
    for row in rows {
      if let earlier = position[row.key] {
        guard replacing else {
          throw UsageError(
            "\(kept[earlier].origin) and \(row.origin) both give a score for \(row.key); nothing recorded "
              + "(keep one, or pass --replace-duplicates to keep the later)")
        }
        kept[earlier] = row
        replaced += 1
      } else {
        position[row.key] = kept.count
        kept.append(row)
      }
    }
    return (kept, replaced)
  }

  static func outcome(_ value: String, key: String) throws -> ScoreOutcome {
    if value.lowercased() == "failed" { return .failed(reason: "told failed", detail: "") }
    guard let score = Double(value), score.isFinite else {
      throw UsageError("the score of \(key) is not a number: '\(value)'")
    }
    return .scored(score)
  }
}
