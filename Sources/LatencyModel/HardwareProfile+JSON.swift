import CostModel
import Foundation

extension HardwareProfile {
  /// Parses and validates a profile. `source` names it in errors (a file path, a built-in name). Refused: a missing
  /// or empty `peak_flops_per_s`, a peak or bandwidth that is missing, not a number, zero, negative or infinite, an
  /// unknown element type or class, an efficiency that is not positive, a negative overhead, a `row_vector_lanes`
  /// that is not a whole number from 1 to ``HardwareProfile/maximumRowVectorLanes``, a `memory_overlaps_compute`
  /// that is not true or false, unknown keys.
  public init(json data: Data, source: String) throws(LatencyError) {
    func invalid(_ reason: String) -> LatencyError { .invalidProfile(source: source, reason: reason) }
    guard let object = try? JSONSerialization.jsonObject(with: data), let root = object as? [String: Any] else {
      throw invalid("not a JSON object")
    }
    let known: Set = [
      "name", "source", "peak_flops_per_s", "memory_bytes_per_s", "classes", "row_vector_lanes",
      "memory_overlaps_compute",
    ]
    if let extra = root.keys.sorted().first(where: { !known.contains($0) }) {
      throw invalid("unknown key '\(extra)' (keys: \(known.sorted().joined(separator: ", ")))")
    }
    let raw: RawProfile
    do {
      raw = try JSONDecoder().decode(RawProfile.self, from: data)
    } catch let DecodingError.typeMismatch(type, context) {
      let path = context.codingPath.map(\.stringValue).joined(separator: ".")
      let expected =
        type == Double.self
        ? "a number" : type == String.self ? "a string" : type == Bool.self ? "true or false" : "an object"
      throw invalid("\(path) is not \(expected)")
    } catch { throw invalid("not a valid profile (\(error))") }
    func positive(_ value: Double?, _ what: String) throws(LatencyError) -> Double {
      guard let value else { throw invalid("\(what) is missing") }
      guard value.isFinite, value > 0 else { throw invalid("\(what) is \(value), not a positive number") }
      return value
    }
    guard let peakTable = raw.peak_flops_per_s else { throw invalid("peak_flops_per_s is missing") }
    guard !peakTable.isEmpty else {
      throw invalid("peak_flops_per_s must be an object with at least one of f32, f16, bf16")
    }
    var peakFlops: [ElementType: Double] = [:]
    for key in peakTable.keys.sorted() {
      guard let type = ElementType(rawValue: key) else {
        throw invalid("peak_flops_per_s has unknown element type '\(key)' (f32, f16, bf16)")
      }
      peakFlops[type] = try positive(peakTable[key], "peak_flops_per_s.\(key)")
    }
    let bandwidth = try positive(raw.memory_bytes_per_s, "memory_bytes_per_s")
    var classes: [NodeClass: ClassParameters] = [:]
    for key in (raw.classes ?? [:]).keys.sorted() {
      guard let nodeClass = NodeClass(rawValue: key) else {
        throw invalid("unknown class '\(key)' (\(NodeClass.allCases.map(\.rawValue).joined(separator: ", ")))")
      }
      let entry = raw.classes![key]!
      let fields: Set = ["compute_efficiency", "memory_efficiency", "overhead_us"]
      if let extra = entry.keys.sorted().first(where: { !fields.contains($0) }) {
        throw invalid("unknown key 'classes.\(key).\(extra)'")
      }
      let overhead = entry["overhead_us"] ?? 0
      guard overhead.isFinite, overhead >= 0 else {
        throw invalid("classes.\(key).overhead_us is \(overhead), not a number ≥ 0")
      }
      var compute = 1.0
      var memory = 1.0
      if let value = entry["compute_efficiency"] { compute = try positive(value, "classes.\(key).compute_efficiency") }
      if let value = entry["memory_efficiency"] { memory = try positive(value, "classes.\(key).memory_efficiency") }
      classes[nodeClass] = ClassParameters(
        computeEfficiency: compute, memoryEfficiency: memory, overheadSeconds: overhead * 1e-6)
    }
    var lanes = 1
    if let value = raw.row_vector_lanes {
      guard value.rounded() == value, value >= 1, value <= Double(HardwareProfile.maximumRowVectorLanes) else {
        throw invalid(
          "row_vector_lanes is \(value), not a whole number from 1 to \(HardwareProfile.maximumRowVectorLanes)")
      }
      lanes = Int(value)
    }
    self.init(
      name: raw.name ?? source, source: raw.source ?? source,
      peakFlopsPerSecond: peakFlops, memoryBytesPerSecond: bandwidth, classes: classes, rowVectorLanes: lanes,
      memoryOverlapsCompute: raw.memory_overlaps_compute ?? true)
  }

  /// The profile as pretty-printed JSON with sorted keys (what ``init(json:source:)`` reads back).
  public func json() -> String {
    var peaks: [String: Any] = [:]
    for (type, value) in peakFlopsPerSecond { peaks[type.rawValue] = value }
    var root: [String: Any] = [
      "name": name, "source": source, "peak_flops_per_s": peaks, "memory_bytes_per_s": memoryBytesPerSecond,
    ]
    if !classes.isEmpty {
      var table: [String: Any] = [:]
      for (nodeClass, parameters) in classes {
        table[nodeClass.rawValue] = [
          "compute_efficiency": parameters.computeEfficiency, "memory_efficiency": parameters.memoryEfficiency,
          "overhead_us": parameters.overheadSeconds * 1e6,
        ]
      }
      root["classes"] = table
    }
    if rowVectorLanes != 1 { root["row_vector_lanes"] = rowVectorLanes }
    if !memoryOverlapsCompute { root["memory_overlaps_compute"] = false }
    let data = try! JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}

/// The profile's JSON as decoded before validation (numbers typed, so `true` or `"1e12"` is not a number).
private struct RawProfile: Decodable {
  var name: String?
  var source: String?
  var peak_flops_per_s: [String: Double]?
  var memory_bytes_per_s: Double?
  var classes: [String: [String: Double]]?
  var row_vector_lanes: Double?
  var memory_overlaps_compute: Bool?
}
