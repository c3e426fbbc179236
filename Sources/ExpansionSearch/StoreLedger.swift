import SweepStore
import X3DModel

/// The search ledger kept in the results database: scores in `search_scores`, each search's steps in
/// `searches` and `search_candidates` (docs/store.md). The SQL lives in SweepStore.
public struct StoreLedger: SearchLedger {
  public let store: ResultsStore
  let now: @Sendable () -> String

  public init(store: ResultsStore, now: @escaping @Sendable () -> String) {
    self.store = store
    self.now = now
  }

  /// The criterion key under which `tell` records a search's scores.
  public static func tellCriterion(search: String) -> String { "tell:" + search }

  public func outcome(criterion: String, configurationKey: String) throws(SearchError) -> ScoreOutcome? {
    let record: SearchScoreRecord?
    do { record = try store.searchScore(criterion: criterion, configKey: configurationKey) } catch {
      throw .store(error.description)
    }
    guard let record else { return nil }
    if let score = record.score { return .scored(score) }
    return .failed(reason: record.reason ?? "failed", detail: record.detail ?? "")
  }

  public func record(criterion: String, configurationKey: String, outcome: ScoreOutcome) throws(SearchError) {
    let record: SearchScoreRecord
    switch outcome {
    case .scored(let value):
      record = SearchScoreRecord(
        criterion: criterion, configKey: configurationKey, score: value, reason: nil, detail: nil, recordedAt: now())
    case .failed(let reason, let detail):
      record = SearchScoreRecord(
        criterion: criterion, configKey: configurationKey, score: nil, reason: reason, detail: detail,
        recordedAt: now())
    }
    do { try store.recordSearchScore(record) } catch { throw .store(error.description) }
  }

  public func log(
    search name: String, settings: SearchSettings, criterion: String, steps: [SearchStep], status: String
  ) throws(SearchError) {
    var rows: [SearchCandidateRow] = []
    for step in steps {
      for (position, candidate) in step.candidates.enumerated() {
        let c = candidate.configuration
        let g = candidate.vector
        let outcome = step.outcomes[position]
        rows.append(
          SearchCandidateRow(
            step: step.index, position: position, phase: step.phase.rawValue, axis: candidate.axis?.rawValue,
            factor: candidate.factor,
            gammas: [g.gammaTau, g.gammaT, g.gammaS, g.gammaW, g.gammaB, g.gammaD], configKey: candidate.key,
            frames: c.frames, crop: c.crop, samplingRate: c.samplingRate, widthFactor: c.widthFactor,
            depthFactor: c.depthFactor, bottleneckFactor: c.bottleneckFactor, complexity: candidate.complexity,
            score: outcome?.score, status: Self.status(outcome), reason: Self.reason(outcome),
            chosen: step.chosen == position))
      }
    }
    let record = SearchRecordRow(
      name: name, settings: settings.summary, criterion: criterion, measure: settings.measure.rawValue,
      target: settings.target, status: status, updatedAt: now())
    do { try store.replaceSearch(record, candidates: rows) } catch { throw .store(error.description) }
  }
}

extension StoreLedger {
  public func definition(search name: String) throws(SearchError) -> (settings: String, criterion: String)? {
    do {
      return try store.search(named: name).map { ($0.settings, $0.criterion) }
    } catch { throw .store(error.description) }
  }

  static func status(_ outcome: ScoreOutcome?) -> String {
    switch outcome {
    case nil: "pending"
    case .scored?: "scored"
    case .failed?: "failed"
    }
  }

  static func reason(_ outcome: ScoreOutcome?) -> String? {
    if case .failed(let reason, _)? = outcome { return reason }
    return nil
  }
}

extension SearchSettings {
  /// One line naming every setting, stored with the search: ``definition`` and the failure policy.
  public var summary: String { definition + " on_failure=\(onFailure.rawValue)" }

  /// The settings that decide which candidates a search makes (all but the failure policy, which only decides
  /// whether it stops at a failure), with every number as printed (canonical decimals).
  public var definition: String {
    let g = start.canonical
    let start = [g.gammaTau, g.gammaT, g.gammaS, g.gammaW, g.gammaB, g.gammaD].map { CanonicalDecimal.text($0) }
    return "target=\(target) measure=\(measure.rawValue) axes=\(axes.map(\.rawValue).joined(separator: ",")) "
      + "step_ratio=\(stepRatio) selection=\(selection.rawValue) tolerance=\(tolerance) "
      + "impl=\(implementation.rawValue) classes=\(classes) start=\(start.joined(separator: ","))"
  }

  /// The definition part of a stored ``summary``: the summary without its `on_failure=` word, with the start's
  /// factors as canonical decimals (summaries written before factors were canonical read `start=1.0,…`).
  public static func definition(ofSummary summary: String) -> String {
    summary.split(separator: " ").filter { !$0.hasPrefix("on_failure=") }.map { word -> String in
      guard word.hasPrefix("start=") else { return String(word) }
      let factors = word.dropFirst("start=".count).split(separator: ",").map { text in
        Double(text).map { CanonicalDecimal.text($0) } ?? String(text)
      }
      return "start=" + factors.joined(separator: ",")
    }.joined(separator: " ")
  }
}
