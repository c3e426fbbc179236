import CostModel
import LatencyModel
import X3DModel

/// Cost-model speed, on one core:
/// 1. a full per-layer analysis of one configuration (`CostReport(perLayer: true)`: totals, memory, and one row per
///    node of the full graph, kept), median over runs;
/// 2. totals for 1,000,000 distinct configurations through `TotalsEvaluator` (the sweep path), configurations per
///    second; and `CostReport.totals` alone on the first 100,000 (the reference path).

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func seconds(_ duration: Duration) -> Double {
  Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

let clock = ContinuousClock()
var sink = 0
/// `x3d-cost-bench [configurations] [all|per-layer|totals|reference|latency]`: `per-layer`, `totals` and `latency`
/// run one part alone (profiling); `reference` runs the two totals paths.
let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let mode = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "all"

for preset in [Preset.xs, .m, .xl] where mode != "totals" && mode != "latency" {
  let configuration = try ModelConfiguration(preset: preset)
  // Warm-up (caches, the allocator's heap for the row storage), not measured.
  for _ in 0..<100 { sink &+= try CostReport(configuration, perLayer: true).layers.count }
  var samples: [Double] = []
  for _ in 0..<(count < 1_000_000 ? 200 : 2_000) {
    let elapsed = try clock.measure {
      let report = try CostReport(configuration, perLayer: true)
      sink &+= report.layers.count &+ report.totals[.macs]
    }
    samples.append(seconds(elapsed) * 1e6)
  }
  print(
    "per-layer analysis X3D-\(preset.rawValue.uppercased()): median \(median(samples)) µs, min \(samples.min()!) µs"
  )
}

/// `cost --hardware`'s extra work: per-layer bytes and roofline predictions over the rows of a per-layer analysis.
/// A (analysis alone) and B (analysis + predictions) interleaved, so both see the same machine; medians and ratio;
/// then the predictions alone over one kept report.
for preset in [Preset.xs, .m, .xl] where mode == "latency" || mode == "all" {
  let configuration = try ModelConfiguration(preset: preset)
  let roofline = try Roofline(HardwareProfile.builtIn["h200"]!, elementType: .f32)
  for _ in 0..<100 { sink &+= roofline.predict(rows: try CostReport(configuration, perLayer: true).layers).count }
  var plain: [Double] = []
  var predicted: [Double] = []
  for _ in 0..<(count < 1_000_000 ? 200 : 2_000) {
    plain.append(
      seconds(try clock.measure { sink &+= try CostReport(configuration, perLayer: true).layers.count }) * 1e6)
    predicted.append(
      seconds(
        try clock.measure {
          let report = try CostReport(configuration, perLayer: true)
          let rows = roofline.predict(rows: report.layers)
          // A loop, not `reduce`: a closure written in top-level code is main-actor isolated, and Swift checks
          // that isolation at run time on each call (≈ 30 ns, 13 µs over X3D-M's rows).
          var seconds = 0.0
          for row in rows { seconds += row.prediction.seconds }
          sink &+= rows.count &+ Int(seconds * 1e12)
        }) * 1e6)
  }
  let report = try CostReport(configuration, perLayer: true)
  var alone: [Double] = []
  for _ in 0..<200 {
    alone.append(seconds(try clock.measure { sink &+= roofline.predict(rows: report.layers).count }) * 1e6)
  }
  print("predictions alone: \(median(alone)) µs for \(report.layers.count) rows")
  let (a, b) = (median(plain), median(predicted))
  print(
    "per-layer analysis X3D-\(preset.rawValue.uppercased()): alone \(a) µs, with roofline predictions \(b) µs, "
      + "ratio \(b / a)")
}

/// The i-th benchmark configuration: frames 1–16, crops 64–312, width 1–2.75, depth 1–5.5, bottleneck 1–4.75.
func configuration(_ i: Int) throws -> ModelConfiguration {
  let frames: Int = 1 + i % 16
  let crop: Int = 64 + 8 * ((i / 16) % 32)
  let width: Double = 1 + Double((i / 512) % 8) * 0.25
  let depth: Double = 1 + Double((i / 4096) % 16) * 0.3
  let bottleneck: Double = 1 + Double((i / 65536) % 16) * 0.25
  return try ModelConfiguration(
    frames: frames, crop: crop, widthFactor: width, depthFactor: depth, bottleneckFactor: bottleneck
  )
}
let configurations: [ModelConfiguration] =
  mode == "per-layer" || mode == "latency" ? [] : try (0..<count).map(configuration)
/// Totals through `TotalsEvaluator` (the sweep path: one evaluator, reused), best of three passes over the
/// configurations, each pass with a fresh evaluator; then `CostReport.totals` alone on at most 100,000 of them (the
/// reference path, every distinct block built and priced per configuration).
var runs: [Double] = []
for _ in 0..<3 where mode != "per-layer" && mode != "latency" {
  var evaluator = TotalsEvaluator()
  let elapsed = try clock.measure {
    for configuration in configurations {
      sink &+= try evaluator.totals(configuration)[.macs]
    }
  }
  runs.append(seconds(elapsed))
}
if let best = runs.min() {
  print(
    "totals (TotalsEvaluator): \(configurations.count) configurations in \(best) s (best of 3) = \(Int(Double(configurations.count) / best)) configurations/s on one core"
  )
}
let referenceCount = min(configurations.count, 100_000)
if mode != "per-layer" && mode != "totals" && mode != "latency" {
  let elapsed = try clock.measure {
    for configuration in configurations[..<referenceCount] {
      sink &+= try CostReport.totals(configuration)[.macs]
    }
  }
  print(
    "totals (CostReport.totals): \(referenceCount) configurations in \(seconds(elapsed)) s = \(Int(Double(referenceCount) / seconds(elapsed))) configurations/s on one core"
  )
}
print("checksum \(sink)")
