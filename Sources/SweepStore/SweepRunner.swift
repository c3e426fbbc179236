import CostModel
import Dispatch
import X3DModel

/// Prices configurations for a sweep. The store never computes costs: the caller passes the cost model in.
///
/// Each evaluating thread gets its own pricing function from ``makePrice``, so a function may keep state between
/// calls (a memo such as CostModel's `TotalsEvaluator`) without locks.
public struct SweepEvaluator: Sendable {
  /// Totals, and the per-layer rows when `perLayer` (empty otherwise).
  public typealias Price = (ModelConfiguration, _ perLayer: Bool) throws(ConfigurationError) -> (
    CostTotals, [LayerRow]
  )

  /// Makes the pricing function of one thread.
  public var makePrice: @Sendable () -> Price

  /// Every thread shares one stateless function.
  public init(
    evaluate:
      @escaping @Sendable (ModelConfiguration, _ perLayer: Bool) throws(ConfigurationError) -> (
        CostTotals, [LayerRow]
      )
  ) {
    makePrice = { evaluate }
  }

  /// One function per thread, made by `make`.
  public static func perThread(_ make: @escaping @Sendable () -> Price) -> SweepEvaluator {
    SweepEvaluator(makePrice: make)
  }

  private init(makePrice: @escaping @Sendable () -> Price) {
    self.makePrice = makePrice
  }
}

/// Where a running sweep stands, for a progress bar.
public struct SweepProgress: Sendable {
  /// Plan indices processed so far, this run and earlier ones.
  public var processed: Int
  public var planned: Int
  /// Processed by this run alone (for the rate).
  public var processedThisRun: Int
}

/// What a sweep run did.
public struct SweepOutcome: Sendable {
  public var state: SweepState
  /// Plan index the run started from (non-zero when resuming).
  public var startIndex: Int
  public var processed = 0
  public var inserted = 0
  public var duplicates = 0
  public var failed = 0
  /// The first few reasons a configuration could not be evaluated.
  public var failureReasons: [String] = []
  /// Stopped early by the caller (Ctrl-C); everything processed is committed.
  public var interrupted = false
  /// Wall time spent in write transactions (evaluation of the next batch runs meanwhile).
  public var writeSeconds = 0.0
}

/// Evaluates a plan's configurations in batches and stores each batch in one transaction.
///
/// Evaluation of batch k+1 (split across `lanes` threads) overlaps the write of batch k. The progress cursor is
/// committed with each batch, so an interrupted run resumes where it stopped, and `INSERT OR IGNORE` on
/// `UNIQUE (sweep_id, key)` keeps a configuration once however often it is written.
public struct SweepRunner: Sendable {
  public var plan: SweepPlan
  public var evaluator: SweepEvaluator
  public var batchSize = 50_000
  public var lanes = 2
  /// Failure reasons kept for the report.
  public var reasonsKept = 5

  public init(plan: SweepPlan, evaluator: SweepEvaluator) {
    self.plan = plan
    self.evaluator = evaluator
  }

  /// Runs (or resumes) the sweep `record` in `store`. `progress` is called after every committed batch;
  /// `shouldStop` is polled between batches. `now` gives the completion timestamp.
  public func run(
    into store: ResultsStore, record: SweepRecord, now: () -> String,
    progress: (SweepProgress) -> Void = { _ in }, shouldStop: () -> Bool = { false }
  ) throws(StoreError) -> SweepOutcome {
    let state = try store.beginSweep(record)
    let planned = record.planned
    var outcome = SweepOutcome(state: state, startIndex: min(state.nextIndex, planned))
    var start = outcome.startIndex
    guard start < planned else { return outcome }
    let size = perLayerAdjustedBatchSize
    let lanes = Lanes(count: max(1, self.lanes), evaluator: evaluator)
    var current = evaluate(start..<min(start + size, planned), lanes)
    while true {
      let range = start..<min(start + size, planned)
      let nextRange = range.upperBound..<min(range.upperBound + size, planned)
      let pending = PendingBatch()
      let group = DispatchGroup()
      if !nextRange.isEmpty {
        DispatchQueue.global().async(group: group) { pending.batch = self.evaluate(nextRange, lanes) }
      }
      let writeStarted = DispatchTime.now().uptimeNanoseconds
      let written = try store.insertTotals(
        current.rows, sweep: state, range: range, failures: current.failures.count,
        firstFailure: current.failures.first, completedAt: range.upperBound >= planned ? now() : nil
      )
      outcome.writeSeconds += Double(DispatchTime.now().uptimeNanoseconds - writeStarted) / 1e9
      outcome.processed += range.count
      outcome.inserted += written.inserted
      outcome.duplicates += written.duplicates
      outcome.failed += current.failures.count
      for reason in current.failures where outcome.failureReasons.count < reasonsKept {
        outcome.failureReasons.append(reason)
      }
      progress(
        SweepProgress(
          processed: range.upperBound, planned: planned, processedThisRun: outcome.processed))
      group.wait()
      start = range.upperBound
      if nextRange.isEmpty { break }
      if shouldStop() {
        outcome.interrupted = true
        break
      }
      current = pending.batch ?? Batch()
    }
    outcome.state = try store.sweep(named: record.name)
    return outcome
  }

  /// Layer rows are a few hundred per configuration, so per-layer sweeps commit smaller batches.
  private var perLayerAdjustedBatchSize: Int {
    plan.perLayer ? max(1, min(batchSize, 200)) : max(1, batchSize)
  }

  /// One batch, as the lanes produced it: rows of lane 0, then lane 1, … (plan order; not copied into one array).
  struct Batch: Sendable {
    var parts: [[EvaluatedConfiguration]] = []
    var failures: [String] = []
    var rows: FlattenSequence<[[EvaluatedConfiguration]]> { parts.joined() }
  }

  struct Part: Sendable {
    var rows: [EvaluatedConfiguration] = []
    var failures: [String] = []
  }

  final class PendingBatch: @unchecked Sendable {
    var batch: Batch?
  }

  /// One pricing function per thread, kept across batches (only one batch is evaluated at a time, and lane `i`
  /// runs only on iteration `i` of `concurrentPerform`).
  final class Lanes: @unchecked Sendable {
    var prices: [SweepEvaluator.Price]
    init(count: Int, evaluator: SweepEvaluator) {
      prices = (0..<count).map { _ in evaluator.makePrice() }
    }
  }

  /// Evaluates `range` on `lanes` threads; rows come back in plan order.
  func evaluate(_ range: Range<Int>, _ prices: Lanes) -> Batch {
    let lanes = max(1, min(prices.prices.count, range.count))
    // Each lane writes only its own slot.
    nonisolated(unsafe) let parts = UnsafeMutableBufferPointer<Part>.allocate(capacity: lanes)
    parts.initialize(repeating: Part())
    defer {
      _ = parts.deinitialize()
      parts.deallocate()
    }
    let chunk = (range.count + lanes - 1) / lanes
    DispatchQueue.concurrentPerform(iterations: lanes) { lane in
      let lower = range.lowerBound + lane * chunk
      let upper = min(lower + chunk, range.upperBound)
      var part = Part()
      let enumerator = SweepPlan.Enumerator(plan)
      var keys = ConfigurationKeyWriter()
      if lower < upper { part.rows.reserveCapacity(upper - lower) }
      for index in lower..<max(lower, upper) {
        let request = enumerator.request(at: index)
        do {
          let configuration = try request.resolve()
          let (totals, layers) = try prices.prices[lane](configuration, plan.perLayer)
          part.rows.append(
            EvaluatedConfiguration(
              configuration: configuration, preset: Preset.matching(configuration), totals: totals, layers: layers,
              planIndex: index, key: keys.key(configuration)))
        } catch {
          part.failures.append("configuration \(index): \(error)")
        }
      }
      parts[lane] = part
    }
    return Batch(parts: parts.map(\.rows), failures: parts.flatMap(\.failures))
  }
}
