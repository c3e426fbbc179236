import SweepStore

/// Scores a candidate by a measurement already in the store (imported with `x3d-cost import`), e.g. `top1`.
///
/// A candidate without that measurement is pending, not failed: the search pauses and lists it, so it can be
/// trained, imported, and the search run again. For a metric where lower is better (e.g. `latency_ms`) the score
/// is the negated value, so higher is always better.
public struct MeasurementCriterion: Criterion {
  public let store: ResultsStore
  public let metric: String
  public let dataset: String?

  public init(store: ResultsStore, metric: String, dataset: String? = nil) throws(SearchError) {
    self.store = store
    self.metric = metric
    self.dataset = dataset
    let metrics: [MetricDeclaration]
    do { metrics = try store.metrics() } catch { throw .store(error.description) }
    guard let declaration = metrics.first(where: { $0.name == metric }) else {
      throw .invalidSetting(
        name: "--criterion-metric", value: metric,
        reason: "unknown metric; known: \(metrics.map(\.name).sorted().joined(separator: ", "))")
    }
    lowerIsBetter = declaration.better == .lower
  }

  private let lowerIsBetter: Bool

  /// Measurements can arrive later, so they are not cached under a fixed key forever: the key names the source.
  public var cacheKey: String { "measured:\(dataset ?? "*"):\(metric)" }

  public func score(_ candidates: [Candidate]) -> [ScoreOutcome?] {
    candidates.map { candidate in
      guard let rows = try? store.measurements(for: candidate.key) else { return nil }
      let values = rows.filter { $0.metric == metric && (dataset == nil || $0.dataset == dataset) }.map(\.value)
      guard let value = values.first else { return nil }
      return .scored(lowerIsBetter ? -value : value)
    }
  }
}
