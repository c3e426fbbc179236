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
/// Evaluation of batch k+1 overlaps the write of batch k without taking the writer's core: `lanes - 1` threads
/// evaluate it (one when `lanes` is 1) while this thread writes, and this thread, once its write is done, takes the
/// chunks of batch k+1 that are left (``BatchEvaluation``). So no more than `lanes` threads are busy at once
/// (two when `lanes` is 1), and neither the writing nor the evaluating side waits while the other has work it could
/// share. The progress cursor is committed with each batch, so an interrupted run resumes where it stopped, and a
/// configuration is stored once however often it is written (``ResultsStore/insertTotals(_:sweep:range:failures:firstFailure:completedAt:)``).
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
    let workers = max(1, lanes - 1)
    // One lane per worker, and one for this thread when it helps (with more than one lane).
    let helper: Int? = lanes > 1 ? workers : nil
    let lanes = Lanes(count: workers + (helper == nil ? 0 : 1), plan: plan, evaluator: evaluator)
    let checkpoints = BackgroundCheckpoints(store: store)
    defer { checkpoints?.finish() }
    var current = BatchEvaluation(start..<min(start + size, planned), lanes: lanes, workers: workers)
      .finish(helpingWith: helper)
    while true {
      let range = start..<min(start + size, planned)
      let nextRange = range.upperBound..<min(range.upperBound + size, planned)
      let next = nextRange.isEmpty ? nil : BatchEvaluation(nextRange, lanes: lanes, workers: workers)
      let writeStarted = DispatchTime.now().uptimeNanoseconds
      checkpoints?.beforeBatch()
      let written: ResultsStore.BatchOutcome
      do {
        written = try store.insertTotals(
          parts: current.parts, sweep: state, range: range, failures: current.failures.count,
          firstFailure: current.failures.first, completedAt: range.upperBound >= planned ? now() : nil
        )
      } catch {
        // The next batch's workers stop after their current chunks rather than evaluate a batch nobody writes.
        next?.cancel()
        throw error
      }
      checkpoints?.afterBatch()
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
      start = range.upperBound
      guard let next else { break }
      if shouldStop() {
        next.cancel()
        outcome.interrupted = true
        break
      }
      // Release the written rows before the next batch's are assembled: two batches in memory, not three.
      current = BatchEvaluation.Batch()
      current = next.finish(helpingWith: helper)
    }
    outcome.state = try store.sweep(named: record.name)
    return outcome
  }

  /// Layer rows are a few hundred per configuration, so per-layer sweeps commit smaller batches.
  private var perLayerAdjustedBatchSize: Int {
    plan.perLayer ? max(1, min(batchSize, 200)) : max(1, batchSize)
  }
}
