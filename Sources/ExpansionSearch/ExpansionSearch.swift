import Foundation
import X3DModel

/// The X3D paper's progressive expansion (x3d-reference.md §7).
///
/// Forward expansion: from the start model, each step makes one candidate per axis, each expanding only its own
/// axis by the factor that brings the candidate's complexity closest to `stepRatio ×` the current one; the
/// criterion scores every candidate and the best is kept; steps repeat until the complexity reaches the target.
/// Backward contraction: when the last step overshoots the target by more than the tolerance, that step's factor
/// is bisected (on the same axis, from the previous model) to the model whose complexity is nearest the target.
///
/// Every score goes through the ledger: a score already cached for the criterion and configuration is reused, so a
/// re-run (after an interruption, or after `tell`) evaluates nothing twice and retraces the same path.
public struct ExpansionSearch: Sendable {
  public let name: String
  public let settings: SearchSettings
  public let pricer: CandidatePricer

  public init(name: String, settings: SearchSettings) throws(SearchError) {
    try settings.validate()
    self.name = name
    self.settings = settings
    self.pricer = CandidatePricer(
      implementation: settings.implementation, classes: settings.classes, measure: settings.measure)
  }

  /// Runs the search as far as the criterion allows. A search of this name already in the ledger must have the
  /// same definition (``SearchSettings/definition``, criterion); otherwise the run is refused before anything is
  /// scored. Once `shouldStop` is true the criterion ends what it is running and the run throws
  /// ``SearchError/interrupted(evaluations:)``; every outcome that arrived is already in the ledger.
  public func run(
    criterion: some Criterion, ledger: some SearchLedger, shouldStop: @escaping @Sendable () -> Bool = { false }
  ) throws(SearchError) -> SearchRun {
    if let stored = try ledger.definition(search: name) {
      let storedDefinition = SearchSettings.definition(ofSummary: stored.settings) + " criterion=" + stored.criterion
      let requested = settings.definition + " criterion=" + criterion.cacheKey
      if storedDefinition != requested {
        throw .definitionMismatch(name: name, stored: storedDefinition, requested: requested)
      }
    }
    var scorer = Scorer(criterion: criterion, ledger: ledger, shouldStop: shouldStop)
    var steps: [SearchStep] = []
    func finish(_ status: SearchStatus) throws(SearchError) -> SearchRun {
      try ledger.log(search: name, settings: settings, criterion: criterion.cacheKey, steps: steps, status: status.name)
      return SearchRun(steps: steps, status: status, evaluations: scorer.evaluations)
    }

    var current: Candidate
    do {
      current = try pricer.candidate(settings.start, axis: nil, factor: 1)
    } catch { throw .configuration(error) }
    guard settings.target > current.complexity else {
      throw .targetNotAboveStart(
        target: settings.target, start: current.complexity, measure: settings.measure.rawValue)
    }
    var currentScore: Double? = nil
    if settings.selection == .gainPerComplexity {
      let outcome = try scorer.score([current])[0]
      steps.append(SearchStep(index: 0, phase: .start, candidates: [current], outcomes: [outcome], chosen: 0))
      guard let outcome else { return try finish(.pending([current])) }
      guard let score = outcome.score else {
        throw .candidateFailed(step: 0, configuration: current.key, reason: Self.reason(outcome))
      }
      currentScore = score
    }

    var previous = current
    while current.complexity < settings.target {
      let index = steps.filter { $0.phase == .forward }.count + 1
      if index > settings.maximumSteps { throw .cannotExpand(step: index, measure: settings.measure.rawValue) }
      let goal = Int((Double(current.complexity) * settings.stepRatio).rounded())
      let candidates = settings.axes.compactMap { pricer.expansion(of: current, along: $0, toward: goal) }
      if candidates.isEmpty { throw .cannotExpand(step: index, measure: settings.measure.rawValue) }
      let outcomes = try scorer.score(candidates)
      var step = SearchStep(index: index, phase: .forward, candidates: candidates, outcomes: outcomes, chosen: nil)
      let pending = zip(candidates, outcomes).filter { $0.1 == nil }.map(\.0)
      if !pending.isEmpty {
        steps.append(step)
        return try finish(.pending(pending))
      }
      if settings.onFailure == .stop,
        let failed = zip(candidates, outcomes).first(where: { $0.1?.score == nil })
      {
        steps.append(step)
        throw .candidateFailed(step: index, configuration: failed.0.key, reason: Self.reason(failed.1!))
      }
      guard let best = choose(candidates, outcomes, current: current, currentScore: currentScore) else {
        steps.append(step)
        throw .allCandidatesFailed(
          step: index, reasons: zip(candidates, outcomes).map { "\($0.0.axis!.symbol): \(Self.reason($0.1!))" })
      }
      step.chosen = best
      steps.append(step)
      previous = current
      current = candidates[best]
      currentScore = outcomes[best]!.score
    }

    // Backward contraction of the last expansion.
    let tolerance = settings.tolerance * Double(settings.target)
    var final = current
    var finalScore = currentScore
    if Double(current.complexity - settings.target) > tolerance, let axis = current.axis {
      let contracted = contract(previous, along: axis, upTo: current.factor)
      if contracted != current {
        let outcome = try scorer.score([contracted])[0]
        steps.append(
          SearchStep(
            index: (steps.last?.index ?? 0) + 1, phase: .contraction, candidates: [contracted], outcomes: [outcome],
            chosen: 0))
        guard let outcome else { return try finish(.pending([contracted])) }
        final = contracted
        finalScore = outcome.score
      }
    }
    let within = abs(Double(final.complexity - settings.target)) <= tolerance
    return try finish(.finished(final: final, score: finalScore, withinTolerance: within))
  }

  /// The expansion of `previous` along `axis` by a factor in `[1, upper]` whose complexity is nearest the target:
  /// bisection between the largest factor at or below the target and the smallest above it.
  func contract(_ previous: Candidate, along axis: ExpansionAxis, upTo upper: Double) -> Candidate {
    var low = 1.0
    var lowCandidate = previous
    var high = upper
    guard var highCandidate = try? pricer.candidate(axis.expand(previous.vector, by: upper), axis: axis, factor: upper)
    else { return previous }
    for _ in 0..<60 {
      let middle = (low + high) / 2
      guard middle > low, middle < high,
        let c = try? pricer.candidate(axis.expand(previous.vector, by: middle), axis: axis, factor: middle)
      else { break }
      if c.complexity <= settings.target {
        low = middle
        lowCandidate = c
      } else {
        high = middle
        highCandidate = c
      }
    }
    let target = Double(settings.target)
    let below = abs(Double(lowCandidate.complexity) - target)
    let above = abs(Double(highCandidate.complexity) - target)
    return pricer.simplified(below <= above ? lowCandidate : highCandidate, from: previous.vector)
  }

  /// The index of the best scored candidate (ties: the axis listed first in `settings.axes`, by default
  /// ``ExpansionAxis`` order: t, tau, s, w, b, d).
  func choose(_ candidates: [Candidate], _ outcomes: [ScoreOutcome?], current: Candidate, currentScore: Double?)
    -> Int?
  {
    var best: (index: Int, value: Double)? = nil
    for (index, outcome) in outcomes.enumerated() {
      guard let score = outcome?.score else { continue }
      let value: Double
      switch settings.selection {
      case .score:
        value = score
      case .gainPerComplexity:
        let added = Double(candidates[index].complexity) / Double(current.complexity) - 1
        value = (score - (currentScore ?? 0)) / added
      }
      if best == nil || value > best!.value { best = (index, value) }
    }
    return best?.index
  }

  static func reason(_ outcome: ScoreOutcome) -> String {
    switch outcome {
    case .scored(let value): "scored \(value)"
    case .failed(let reason, _): reason
    }
  }
}

/// Scores through the ledger's cache: only candidates without a cached outcome reach the criterion.
struct Scorer<C: Criterion, L: SearchLedger> {
  let criterion: C
  let ledger: L
  let shouldStop: @Sendable () -> Bool
  var evaluations = 0

  mutating func score(_ candidates: [Candidate]) throws(SearchError) -> [ScoreOutcome?] {
    var outcomes: [ScoreOutcome?] = []
    var missing: [Int] = []
    for (index, candidate) in candidates.enumerated() {
      let cached = try ledger.outcome(criterion: criterion.cacheKey, configurationKey: candidate.key)
      outcomes.append(cached)
      if cached == nil { missing.append(index) }
    }
    // The same configuration can appear twice in a step (frame rate and frames cost the same): score it once.
    var firstOfKey: [String: Int] = [:]
    var unique: [Int] = []
    for index in missing where firstOfKey[candidates[index].key] == nil {
      firstOfKey[candidates[index].key] = index
      unique.append(index)
    }
    if !unique.isEmpty {
      if shouldStop() { throw .interrupted(evaluations: evaluations) }
      // Each outcome is stored the moment it arrives, so an interruption loses none that finished.
      let recording = RecordingErrors()
      let (ledger, cacheKey) = (self.ledger, criterion.cacheKey)
      let keys = unique.map { candidates[$0].key }
      let fresh = criterion.score(unique.map { candidates[$0] }, shouldStop: shouldStop) { position, outcome in
        do throws(SearchError) {
          try ledger.record(criterion: cacheKey, configurationKey: keys[position], outcome: outcome)
        } catch { recording.add(error) }
      }
      if let error = recording.first { throw error }
      for (position, index) in unique.enumerated() {
        guard let outcome = fresh[position] else { continue }
        evaluations += 1
        outcomes[index] = outcome
      }
      if shouldStop() { throw .interrupted(evaluations: evaluations) }
      for index in missing where outcomes[index] == nil {
        outcomes[index] = outcomes[firstOfKey[candidates[index].key]!]
      }
    }
    return outcomes
  }
}

/// The first error met while recording outcomes from several threads.
final class RecordingErrors: @unchecked Sendable {
  private let lock = NSLock()
  private var error: SearchError?
  func add(_ error: SearchError) { lock.withLock { if self.error == nil { self.error = error } } }
  var first: SearchError? { lock.withLock { error } }
}
