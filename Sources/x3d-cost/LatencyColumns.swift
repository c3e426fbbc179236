import CostModel
import LatencyModel

extension LatencyError: ReportableError {}

/// What `--hardware` adds to a cost report: per layer the bytes, the arithmetic intensity, the predicted time, its
/// bound and share; in total the predicted latency and how it splits by bound.
struct LatencyColumns {
  let profile: HardwareProfile
  let elementType: ElementType
  let rows: [LayerLatency]
  let totalSeconds: Double
  let secondsByBound: [Bound: Double]

  init(report: CostReport, profile: HardwareProfile) throws {
    self.profile = profile
    elementType = report.elementType
    let roofline = try Roofline(profile, elementType: report.elementType)
    rows = roofline.predict(rows: report.layers)
    var byBound: [Bound: Double] = [:]
    for row in rows { byBound[row.prediction.bound, default: 0] += row.prediction.seconds }
    secondsByBound = byBound
    totalSeconds = rows.reduce(0) { $0 + $1.prediction.seconds }
  }

  /// Totals-table rows: the predicted latency, then its split by bound.
  var totalRows: [[String]] {
    let calibrated = profile.classes.isEmpty ? "roofline bound" : "calibrated"
    var lines = [
      [
        "predicted latency (\(profile.name), \(elementType.rawValue), \(calibrated)), ms",
        Quantity.fixed(totalSeconds * 1e3, decimals: 3), "",
      ]
    ]
    for bound in Bound.allCases {
      let seconds = secondsByBound[bound] ?? 0
      lines.append([
        "  \(bound.rawValue)-bound nodes, ms", Quantity.fixed(seconds * 1e3, decimals: 3),
        Self.share(seconds, totalSeconds),
      ])
    }
    return lines
  }

  static let layerHeaders: [(String, TextTable.Alignment)] = [
    ("bytes read", .right), ("bytes written", .right), ("FLOP/B", .right), ("predicted µs", .right),
    ("bound", .left), ("time share", .right),
  ]

  /// The per-layer cells of row `index`, whose cost is `cost` (its full FLOPs give the intensity).
  func layerCells(_ index: Int, cost: LayerCost) -> [String] {
    let row = rows[index]
    return [
      String(cost[.bytesRead]), String(cost[.bytesWritten]),
      Quantity.fixed(row.arithmeticIntensity(flops: cost[.flops]), decimals: 2),
      Quantity.fixed(row.prediction.seconds * 1e6, decimals: 3),
      row.prediction.seconds == 0 ? "–" : row.prediction.bound.rawValue,
      Self.share(row.prediction.seconds, totalSeconds),
    ]
  }

  static func share(_ part: Double, _ total: Double) -> String {
    Quantity.fixed(total > 0 ? 100 * part / total : 0, decimals: 2) + "%"
  }
}
