import CostModel
import LatencyModel
import SweepStore

/// `sweep --hardware`: the roofline's predicted latency of every configuration of a sweep, stored as the metric
/// `predicted_ms` of a dataset named `SWEEP-predicted-PROFILE` (its source says it is a prediction, not a
/// measurement), so `pareto`, `plot`, `export` and `query` read it like any measured column.
enum SweepPrediction {
  static let metric = MetricDeclaration(name: "predicted_ms", unit: "ms", better: .lower)

  /// Predicts and stores, in one transaction; returns the dataset's name and the number of values.
  static func store(
    into results: ResultsStore, sweep: String, profile: HardwareProfile, elementType: ElementType, timestamp: String
  ) throws -> (dataset: String, count: Int) {
    let roofline = try Roofline(profile, elementType: elementType)
    let measurements = try results.configurations(sweep: sweep).map { stored in
      let work = try NetworkWork(stored.configuration, elementType: elementType)
      return Measurement(configKey: stored.key, metric: metric.name, value: work.seconds(on: roofline) * 1e3)
    }
    let name = "\(sweep)-predicted-\(profile.name)"
    let calibrated = profile.classes.isEmpty ? "roofline bound" : "calibrated"
    let dataset = DatasetRecord(
      name: name, source: "predicted by x3d-cost's roofline (\(calibrated)), \(elementType.rawValue)",
      description: "hardware profile \(profile.name): \(profile.source)", importedAt: timestamp)
    let count = try results.insertMeasurements(measurements, dataset: dataset, declaring: [metric])
    return (name, count)
  }
}
