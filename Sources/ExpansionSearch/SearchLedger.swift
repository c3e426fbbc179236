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
  /// The settings summary and criterion key search `name` was logged with, if it was.
  func definition(search name: String) throws(SearchError) -> (settings: String, criterion: String)?
}

/// A ledger in memory.
public final class MemoryLedger: SearchLedger, @unchecked Sendable {
  private let lock = NSLock()
  private var outcomes: [String: ScoreOutcome] = [:]
  public private(set) var logs: [String: [SearchStep]] = [:]
  private var definitions: [String: (settings: String, criterion: String)] = [:]

  public init() {}

  public func outcome(criterion: String, configurationKey: String) -> ScoreOutcome? {
    lock.withLock { outcomes[criterion + "\u{1}" + configurationKey] }
  }

  public func record(criterion: String, configurationKey: String, outcome: ScoreOutcome) {
    lock.withLock { outcomes[criterion + "\u{1}" + configurationKey] = outcome }
  }

  public func log(search name: String, settings: SearchSettings, criterion: String, steps: [SearchStep], status: String)
  {
    lock.withLock {
      logs[name] = steps
      definitions[name] = (settings.summary, criterion)
    }
  }

  public func definition(search name: String) -> (settings: String, criterion: String)? {
    lock.withLock { definitions[name] }
  }

  /// How many outcomes are cached.
  public var count: Int { lock.withLock { outcomes.count } }
}
