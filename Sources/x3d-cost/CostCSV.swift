import Foundation
import SweepStore

/// `x3d-cost --format csv`: tidy data derived from the JSON contract (docs/json.md), so that the two never
/// disagree: every column is a JSON key with the JSON name, every value a plain number (no separators, no units)
/// or a word; shapes and kernel triples are joined with `x` (`1x3x16x224x224`).
///
/// - without `--per-layer` or `--per-stage`: one row, the `config` keys, the flat `totals` keys, with `--views` the
///   `views` keys prefixed `views_`, and with training options the `totals.training.step_memory` keys prefixed
///   `training_step_`;
/// - with `--per-stage`: one row per stage, the `stages` keys;
/// - with `--per-layer`: one row per node, every `layers` key. The totals are not in that table: MACs,
///   parameters, BN elements, activations and FLOPs are the column sums; the memory totals are in the one-row
///   table (the command says so on standard error).
struct CostCSV {
  let json: CostJSON

  /// Identity columns first, in this order; the others follow alphabetically (the JSON's key order).
  static let leading = ["preset", "name", "kind", "stage"]

  func render(perLayer: Bool, perStage: Bool) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let object = try JSONSerialization.jsonObject(with: encoder.encode(json)) as? [String: Any] ?? [:]
    let records: [[String: Any]]
    if perLayer {
      records = object["layers"] as? [[String: Any]] ?? []
    } else if perStage {
      records = object["stages"] as? [[String: Any]] ?? []
    } else {
      let config = object["config"] as? [String: Any] ?? [:]
      var totals = object["totals"] as? [String: Any] ?? [:]
      // `totals.training` repeats the flat `training_*` keys; its step memory becomes `training_step_*` columns.
      let training = totals.removeValue(forKey: "training") as? [String: Any] ?? [:]
      var record = config.merging(totals) { first, _ in first }
      for (key, value) in training["step_memory"] as? [String: Any] ?? [:] { record["training_step_" + key] = value }
      // `--views`: its keys with the prefix `views_` (`views_count`, `views_macs_per_video`).
      for (key, value) in object["views"] as? [String: Any] ?? [:] { record["views_" + key] = value }
      records = [record]
    }
    // Every key any record has (optional keys such as `kernel` are empty where absent).
    let keys = Set(records.flatMap(\.keys))
    let columns =
      Self.leading.filter(keys.contains) + keys.subtracting(Self.leading).sorted()
    let rows = records.map { record in columns.map { Self.text(record[$0]) } }
    return TableText.csv([columns] + rows)
  }

  /// A JSON value as a CSV field: numbers as JSON writes them, arrays joined with `x`, null and absent empty.
  static func text(_ value: Any?) -> String {
    switch value {
    case nil, is NSNull: return ""
    case let number as NSNumber: return number.stringValue
    case let array as [Any]: return array.map { text($0) }.joined(separator: "x")
    case let string as String: return string
    default: return "\(value!)"
    }
  }
}
