import Dispatch
import Foundation
import X3DModel

/// One batch of a sweep being evaluated: its plan indices cut into chunks of consecutive indices that worker
/// threads, and the writing thread once it has written the previous batch, take in turn.
///
/// Workers start when the evaluation is made; ``finish(helpingWith:)`` lets the calling thread take the chunks that
/// are left, waits for the workers' last chunks and returns the rows in plan order. Chunks are small enough (a
/// sixteenth of a lane's share, at most 1,024 configurations) that the writing thread joins a batch still being
/// evaluated and no thread waits long for another's last chunk, and large enough that a lane's memo (CostModel's
/// `TotalsEvaluator`) sees the configurations that share blocks together (the depth flags vary fastest).
final class BatchEvaluation: @unchecked Sendable {
  /// A batch's rows, in plan order as consecutive parts (one per chunk; not copied into one array).
  struct Batch: Sendable {
    var parts: [[EvaluatedConfiguration]] = []
    var failures: [String] = []
  }

  /// What one chunk gave: rows, and the reasons of the configurations that could not be evaluated.
  struct Part: Sendable {
    var rows: [EvaluatedConfiguration] = []
    var failures: [String] = []
  }

  private let range: Range<Int>
  private let chunk: Int
  private let chunkCount: Int
  private let lanes: Lanes
  /// One slot per chunk, written once by the thread that evaluated it and read after ``group`` is done.
  private let slots: UnsafeMutableBufferPointer<Part>
  private let lock = NSLock()
  /// The next chunk nobody has taken (guarded by ``lock``).
  private var nextChunk = 0
  private let group = DispatchGroup()

  /// Starts evaluating `range` on `workers` threads, with lanes `0 ..< workers` of `lanes`.
  init(_ range: Range<Int>, lanes: Lanes, workers: Int) {
    self.range = range
    self.lanes = lanes
    let participants = lanes.count
    chunk = max(1, min(1_024, range.count / (16 * participants)))
    chunkCount = (range.count + chunk - 1) / chunk
    slots = .allocate(capacity: chunkCount)
    slots.initialize(repeating: Part())
    for lane in 0..<min(workers, lanes.count) {
      DispatchQueue.global().async(group: group) { self.work(lane: lane) }
    }
  }

  deinit {
    _ = slots.deinitialize()
    slots.deallocate()
  }

  /// Takes chunks with lane `lane` (the calling thread's, when given) until none is left, waits for the workers,
  /// and returns the batch.
  func finish(helpingWith lane: Int?) -> Batch {
    if let lane { work(lane: lane) }
    group.wait()
    var batch = Batch()
    batch.parts.reserveCapacity(chunkCount)
    for index in 0..<chunkCount {
      batch.parts.append(slots[index].rows)
      batch.failures += slots[index].failures
      slots[index] = Part()
    }
    return batch
  }

  /// Leaves the chunks nobody has taken and waits for the workers' current ones (the sweep stops).
  func cancel() {
    lock.withLock { nextChunk = chunkCount }
    group.wait()
  }

  private func claim() -> Int? {
    lock.withLock {
      guard nextChunk < chunkCount else { return nil }
      defer { nextChunk += 1 }
      return nextChunk
    }
  }

  private func work(lane: Int) {
    while let index = claim() {
      let lower = range.lowerBound + index * chunk
      slots[index] = lanes.evaluate(lower..<min(lower + chunk, range.upperBound), lane: lane)
    }
  }
}

/// The evaluating threads' state, one ``Lane`` each. A lane is used by one thread at a time: lane `i` by worker `i`,
/// the last by the writing thread.
final class Lanes: Sendable {
  private let lanes: [Lane]

  var count: Int { lanes.count }

  init(count: Int, plan: SweepPlan, evaluator: SweepEvaluator) {
    let enumerator = SweepPlan.Enumerator(plan)
    lanes = (0..<count).map { _ in Lane(plan: plan, enumerator: enumerator, price: evaluator.makePrice()) }
  }

  /// Resolves and prices the configurations of `range` with lane `lane`; rows in plan order.
  func evaluate(_ range: Range<Int>, lane: Int) -> BatchEvaluation.Part {
    lanes[lane].evaluate(range)
  }
}

/// One evaluating thread's state: its pricing function (which may keep a memo) and key writer.
final class Lane: @unchecked Sendable {
  private let plan: SweepPlan
  private let enumerator: SweepPlan.Enumerator
  private let price: SweepEvaluator.Price
  private var keys = ConfigurationKeyWriter()

  init(plan: SweepPlan, enumerator: SweepPlan.Enumerator, price: @escaping SweepEvaluator.Price) {
    self.plan = plan
    self.enumerator = enumerator
    self.price = price
  }

  func evaluate(_ range: Range<Int>) -> BatchEvaluation.Part {
    var part = BatchEvaluation.Part()
    part.rows.reserveCapacity(range.count)
    for index in range {
      let request = enumerator.request(at: index)
      do {
        let configuration = try request.resolve()
        let (totals, layers) = try price(configuration, plan.perLayer)
        var row = EvaluatedConfiguration(
          configuration: configuration, preset: Preset.matching(configuration), totals: totals, layers: layers,
          planIndex: index, key: keys.key(configuration))
        if !layers.isEmpty { row.layerTexts = LayerTexts(layers) }
        part.rows.append(row)
      } catch {
        part.failures.append("configuration \(index): \(error)")
      }
    }
    return part
  }
}
