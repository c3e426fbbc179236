import Foundation

/// Where a search keeps its state: the score of every candidate ever scored (per criterion and configuration) and
/// the log of its steps. The store's implementation is ``StoreLedger``; ``MemoryLedger`` serves tests.
public protocol SearchLedger: Sendable {
  /// The cached outcome for a configuration under a criterion, if any.
  func outcome(criterion: String, configurationKey: String) throws(SearchError) -> ScoreOutcome?
  /// Caches an outcome.
  func record(criterion: String, configurationKey: String, outcome: ScoreOutcome) throws(SearchError)
  /// Replaces the logged steps of search `name` with `steps` (a re-run rewrites the same rows).
  func log(search name: String, settings: SearchSettings, criterion: String, steps: [SearchStep], status: String)
    throws(SearchError)
}

/// A ledger in memory.
public final class MemoryLedger: SearchLedger, @unchecked Sendable {
  private let lock = NSLock()
  private var outcomes: [String: ScoreOutcome] = [:]
  public private(set) var logs: [String: [SearchStep]] = [:]

  public init() {}

  public func outcome(criterion: String, configurationKey: String) -> ScoreOutcome? {
    lock.withLock { outcomes[criterion + "\u{1}" + configurationKey] }
  }

  public func record(criterion: String, configurationKey: String, outcome: ScoreOutcome) {
    lock.withLock { outcomes[criterion + "\u{1}" + configurationKey] = outcome }
  }

  public func log(search name: String, settings: SearchSettings, criterion: String, steps: [SearchStep], status: String) {
    lock.withLock { logs[name] = steps }
  }

  /// How many outcomes are cached.
  public var count: Int { lock.withLock { outcomes.count } }
}
