import CostModel
import Foundation
import SweepStore
import X3DModel

/// The cost model, injected the way the `sweep` command injects it.
let costModel = SweepEvaluator { (configuration, perLayer) throws(ConfigurationError) in
  if perLayer {
    let report = try CostReport(configuration, perLayer: true)
    return (report.totals, report.layers)
  }
  return (try CostReport.totals(configuration), [])
}

/// A fresh file path in a fresh temporary directory (removed by the caller's `defer`).
func temporaryDatabase() -> (path: String, directory: URL) {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "sweepstore-\(UUID().uuidString)")
  try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  return (directory.appendingPathComponent("results.db").path, directory)
}

/// 3 presets × 4 frames × 3 crops = 36 configurations.
func smallPlan() -> SweepPlan {
  var plan = SweepPlan()
  plan.presets = [.xs, .m, .l]
  plan.values[.frames] = [4, 8, 13, 16]
  plan.values[.crop] = [160, 224, 312]
  return plan
}

func record(_ name: String, _ plan: SweepPlan) -> SweepRecord {
  SweepRecord(
    name: name, createdAt: "2024-01-01T00:00:00Z", toolVersion: "test", plan: plan,
    commandLine: "x3d-cost sweep test")
}

func count(_ store: ResultsStore, _ sql: String) throws -> Int {
  let result = try store.query(sql)
  guard case .integer(let value) = result.rows.first?.first else { return -1 }
  return Int(value)
}
