/// One step of a search: the candidates it made, what the criterion said of each, and the one kept.
public struct SearchStep: Hashable, Sendable {
  public enum Phase: String, Sendable {
    /// The start model (scored only when selection needs its score).
    case start
    /// A forward expansion step: one candidate per axis.
    case forward
    /// Backward contraction of the last expanded axis to meet the target.
    case contraction
  }

  public var index: Int
  public var phase: Phase
  public var candidates: [Candidate]
  /// One per candidate; nil: pending (ask/tell).
  public var outcomes: [ScoreOutcome?]
  /// Index into `candidates` of the kept one.
  public var chosen: Int?

  public var chosenCandidate: Candidate? { chosen.map { candidates[$0] } }
}

/// How a search run ended.
public enum SearchStatus: Hashable, Sendable {
  /// The target is met; `final` is the model found.
  case finished(final: Candidate, score: Double?, withinTolerance: Bool)
  /// Waiting for scores of these candidates (ask/tell); tell them and run again.
  case pending([Candidate])

  public var name: String {
    switch self {
    case .finished: "finished"
    case .pending: "pending"
    }
  }
}

/// A search run: its steps (start, forward steps, contraction) and how it ended.
public struct SearchRun: Sendable {
  public var steps: [SearchStep]
  public var status: SearchStatus
  /// Criterion evaluations this run actually made (not served from the cache).
  public var evaluations: Int
}
