/// What a criterion says of one candidate.
public enum ScoreOutcome: Hashable, Sendable {
  /// Higher is better.
  case scored(Double)
  /// The criterion could not score it; `detail` keeps what it printed (a command's stderr).
  case failed(reason: String, detail: String)

  public var score: Double? {
    if case .scored(let value) = self { value } else { nil }
  }
}

/// Scores candidate models; higher is better.
public protocol Criterion: Sendable {
  /// Names the criterion in the score cache: two criteria with one key give the same scores, so a cached score is
  /// reused instead of scoring again.
  var cacheKey: String { get }

  /// One outcome per candidate, in order; nil where the score is not known yet (ask/tell: the search pauses and
  /// reports those candidates as pending).
  func score(_ candidates: [Candidate]) -> [ScoreOutcome?]

  /// The same, calling `report` (from any thread) with each outcome as soon as it is known, so it is stored before
  /// the others finish; once `shouldStop` is true the criterion ends what it is running and leaves the rest nil.
  func score(
    _ candidates: [Candidate], shouldStop: @escaping @Sendable () -> Bool,
    report: @escaping @Sendable (Int, ScoreOutcome) -> Void
  ) -> [ScoreOutcome?]
}

extension Criterion {
  /// Scores everything at once, then reports each outcome.
  public func score(
    _ candidates: [Candidate], shouldStop: @escaping @Sendable () -> Bool,
    report: @escaping @Sendable (Int, ScoreOutcome) -> Void
  ) -> [ScoreOutcome?] {
    let outcomes = score(candidates)
    for (index, outcome) in outcomes.enumerated() { if let outcome { report(index, outcome) } }
    return outcomes
  }
}

/// The ask/tell criterion: it never scores; scores arrive later through ``SearchLedger/record(criterion:configurationKey:outcome:)``.
public struct PendingCriterion: Criterion {
  public let cacheKey: String
  public init(cacheKey: String) { self.cacheKey = cacheKey }
  public func score(_ candidates: [Candidate]) -> [ScoreOutcome?] { candidates.map { _ in nil } }
}

/// A criterion given as a Swift function: for tests and library users.
public struct FunctionCriterion: Criterion {
  public let cacheKey: String
  let function: @Sendable (Candidate) -> ScoreOutcome

  public init(cacheKey: String, _ function: @escaping @Sendable (Candidate) -> ScoreOutcome) {
    self.cacheKey = cacheKey
    self.function = function
  }

  public func score(_ candidates: [Candidate]) -> [ScoreOutcome?] { candidates.map(function) }
}
