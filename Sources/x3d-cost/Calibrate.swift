import ArgumentParser
import CostModel
import Foundation
import LatencyModel
import SweepStore

extension X3DCost {
  /// `x3d-cost calibrate`: measures this machine (`--host`), or fits a profile's per-class parameters to measured
  /// latencies and reports the cross-validated accuracy.
  struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Measure this machine (--host), or fit a hardware profile to measured latencies.",
      discussion: """
        --host: a short multiply-add loop and a STREAM triad on one core give a profile (docs/latency.md). \
        --dataset: fits e, m and o of each node class (stem, pointwise, depthwise, se, elementwise, head) to the \
        dataset's measurements of --metric, starting from --hardware, and prints the accuracy on held-out \
        configurations (--folds: fitted on the other folds), beside Kendall's τ of multiply-adds; the profile \
        fitted on all measurements goes to --out.
        """)

    @Flag(help: "Measure this machine's CPU (one core) instead of fitting.")
    var host = false

    @Option(help: "The dataset of measured latencies to fit.")
    var dataset: String?

    @Option(help: "The metric holding the latency (its unit ms, s or us).")
    var metric = "latency_ms"

    @Option(help: ArgumentHelp("The profile to start from: a built-in, host, or a file.", valueName: "NAME|FILE"))
    var hardware: String?

    @Option(
      help: ArgumentHelp(
        "Lanes of the vectors the measured depthwise kernels compute each output row in (default: the profile's; "
          + "8 for the executor, 1 where a library vectorises over channels).", valueName: "L"))
    var rowVectorLanes: Int?

    @Option(help: "Element type the measurements ran at.")
    var dtype: ElementType = .f32

    @Option(help: "Cross-validation folds (2: fit on half, predict the other half).")
    var folds = 2

    @Option(help: "Write the profile here (default: standard output).")
    var out: String?

    @Option(help: "Write the held-out predictions as CSV (key, macs, measured_ms, predicted_ms).")
    var predictions: String?

    @OptionGroup var store: StoreOptions

    func validate() throws {
      if host {
        guard dataset == nil, hardware == nil, rowVectorLanes == nil else {
          throw ValidationError("--host measures this machine; it takes no --dataset, --hardware or --row-vector-lanes")
        }
      } else {
        guard dataset != nil else { throw ValidationError("give --host, or --dataset NAME with --hardware BASE") }
        guard hardware != nil else {
          throw ValidationError("--dataset needs --hardware BASE (a built-in, host or a file)")
        }
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2, not \(folds)") }
        if let lanes = rowVectorLanes, !(1...HardwareProfile.maximumRowVectorLanes).contains(lanes) {
          throw ValidationError(
            "--row-vector-lanes must be from 1 to \(HardwareProfile.maximumRowVectorLanes), not \(lanes)")
        }
      }
    }

    func run() throws {
      if host {
        let profile = HostProbe.profile(description: HostProbe.machineDescription())
        let peak = profile.peakFlopsPerSecond[.f32]!
        FileHandle.standardError.write(
          Data(
            ("host: \(Quantity.fixed(peak / 1e9, decimals: 2)) GFLOP/s (f32, one core), "
              + "\(Quantity.fixed(profile.memoryBytesPerSecond / 1e9, decimals: 2)) GB/s triad\n").utf8))
        try emit(profile.json(), to: out)
        return
      }
      var base = try HardwareProfile.load(hardware!)
      if let rowVectorLanes { base.rowVectorLanes = rowVectorLanes }
      try fit(dataset: dataset!, base: base)
    }

    private func fit(dataset: String, base: HardwareProfile) throws {
      let results = try store.open(.readOnly)
      let rows = try results.measuredConfigurations(dataset: dataset, metric: metric)
      guard !rows.isEmpty else {
        let metrics = try results.query(
          "SELECT DISTINCT m.metric FROM measurements m JOIN datasets d ON d.id = m.dataset_id WHERE d.name = ?",
          arguments: [dataset]
        ).rows.map { $0[0].description }
        throw UsageError("dataset '\(dataset)' has no \(metric) (it has: \(metrics.joined(separator: ", ")))")
      }
      let unit = try results.metrics().first { $0.name == metric }?.unit ?? "ms"
      let toSeconds: Double
      switch unit {
      case "s": toSeconds = 1
      case "ms": toSeconds = 1e-3
      case "us", "µs": toSeconds = 1e-6
      default: throw UsageError("metric \(metric) has unit '\(unit)', not a time (ms, s or us)")
      }
      let samples = try rows.map { row in
        LatencySample(
          label: row.configuration.key, work: try NetworkWork(row.configuration.configuration, elementType: dtype),
          seconds: row.value * toSeconds)
      }
      let validation = try CrossValidation(samples, base: base, elementType: dtype, folds: folds)
      var profile = try Calibration.fit(samples, base: base, elementType: dtype)
      profile.name = "\(base.name)+\(dataset)"
      profile.source =
        "\(base.source); calibrated by x3d-cost calibrate on \(samples.count) configurations of "
        + "dataset \(dataset) (\(metric))"
      print(
        report(
          validation, samples: samples.count, parameters: Calibration.parameterCount(samples), dataset: dataset,
          base: base.name, profile: profile))
      if let predictions {
        var csv = "key,macs,measured_ms,predicted_ms\n"
        for p in validation.predictions {
          csv += "\(p.label),\(p.macs),\(p.measuredSeconds * 1e3),\(p.predictedSeconds * 1e3)\n"
        }
        try emit(csv, to: predictions)
      }
      try emit(profile.json(), to: out)
    }

    private func report(
      _ v: CrossValidation, samples: Int, parameters: Int, dataset: String, base: String, profile: HardwareProfile
    ) -> String {
      let n = v.predictions.count
      func share(_ tolerance: Double) -> String {
        let within = v.predictions.filter { abs($0.relativeError) <= tolerance }.count
        return "\(within)/\(n) (\(Quantity.fixed(100 * v.shareWithin(tolerance), decimals: 1))%)"
      }
      var lines = [
        "calibrated \(base) on dataset '\(dataset)' (\(metric), \(samples) configurations, "
          + "\(parameters) parameters, \(dtype.rawValue), depthwise rows in vectors of \(profile.rowVectorLanes))",
        "held out (\(v.folds) folds, each predicted by a fit to the others):",
        "  within ±10%: \(share(0.1))",
        "  within ±20%: \(share(0.2))",
        "  median |error|: \(Quantity.fixed(100 * v.medianAbsoluteRelativeError, decimals: 1))%",
        "  Kendall τ(predicted, measured): \(Quantity.fixed(v.tauPredicted, decimals: 3))"
          + "   τ(MACs, measured): \(Quantity.fixed(v.tauMACs, decimals: 3))",
        "",
      ]
      var table = TextTable([
        ("class", .left), ("compute e", .right), ("memory m", .right), ("overhead µs", .right),
      ])
      for nodeClass in NodeClass.allCases {
        let p = profile.parameters(nodeClass)
        table.append([
          nodeClass.rawValue, Quantity.significant(p.computeEfficiency), Quantity.significant(p.memoryEfficiency),
          Quantity.fixed(p.overheadSeconds * 1e6, decimals: 3),
        ])
      }
      let terms = profile.memoryOverlapsCompute ? "the larger of compute and memory" : "compute plus memory"
      lines.append("fitted to all \(samples) (written to \(out ?? "standard output")); a node takes \(terms), plus o:")
      lines.append(table.render(.table))
      return lines.joined(separator: "\n")
    }

    /// Writes `text` to `path`, or to standard output.
    private func emit(_ text: String, to path: String?) throws {
      guard let path else { return print(text, terminator: "") }
      do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
        throw UsageError("cannot write \(path): \(error.localizedDescription)")
      }
    }
  }
}
