import CostModel
import Foundation
import SweepStore
import Testing
import X3DModel

/// Sweeps: the Cartesian product, batched writes, resume without duplicates, failures, per-layer rows.
struct SweepTests {
  @Test func planCountsAndOrdersTheProduct() throws {
    let plan = smallPlan()
    #expect(plan.count == 36)
    let first = plan.request(at: 0)
    #expect(first.preset == .xs && first.frames == 4 && first.crop == 160)
    let second = plan.request(at: 1)
    #expect(second.preset == .xs && second.frames == 4 && second.crop == 224)
    let last = plan.request(at: 35)
    #expect(last.preset == .l && last.frames == 16 && last.crop == 312)
    var huge = SweepPlan()
    for parameter in [Parameter.frames, .crop, .classes, .batch] {
      huge.values[parameter] = (1...100_000).map(Double.init)
    }
    #expect(huge.count == nil)
  }

  @Test func sweepStoresOneRowPerConfigurationWithTheCostModelsTotals() throws {
    let store = try ResultsStore.inMemory()
    var runner = SweepRunner(plan: smallPlan(), evaluator: costModel)
    runner.batchSize = 7
    let outcome = try runner.run(
      into: store, record: record("grid", smallPlan()), now: { "2024-01-01T00:00:01Z" })
    #expect(outcome.inserted == 36 && outcome.duplicates == 0 && outcome.failed == 0)
    #expect(outcome.state.isComplete && outcome.state.stored == 36)
    #expect(outcome.state.completedAt == "2024-01-01T00:00:01Z")
    let m = try store.query(
      "SELECT macs, params, params_no_bn, fvcore_flops FROM configs WHERE preset = 'm' AND frames = 16 AND crop = 224 AND gamma_tau = 5"
    )
    let totals = try CostReport.totals(try ModelConfiguration(preset: .m))
    #expect(
      m.rows == [
        [
          .integer(4_732_468_736), .integer(3_794_322), .integer(3_762_858),
          .integer(Int64(totals[.fvcoreFlops])),
        ]
      ])
  }

  @Test func interruptedSweepResumesWithoutDuplicates() throws {
    let store = try ResultsStore.inMemory()
    var runner = SweepRunner(plan: smallPlan(), evaluator: costModel)
    runner.batchSize = 10
    var batches = 0
    let first = try runner.run(
      into: store, record: record("grid", smallPlan()), now: { "t" },
      progress: { _ in batches += 1 },
      shouldStop: { batches >= 2 })
    #expect(first.interrupted)
    #expect(first.state.nextIndex == 20 && first.state.stored == 20 && !first.state.isComplete)
    let second = try runner.run(into: store, record: record("grid", smallPlan()), now: { "t" })
    #expect(second.startIndex == 20 && second.processed == 16 && second.inserted == 16)
    #expect(try count(store, "SELECT count(*) FROM configs") == 36)
    #expect(try count(store, "SELECT count(DISTINCT key) FROM configs") == 36)
    let third = try runner.run(into: store, record: record("grid", smallPlan()), now: { "t" })
    #expect(third.processed == 0 && third.state.stored == 36)
  }

  @Test func rewritingABatchAddsNothing() throws {
    let store = try ResultsStore.inMemory()
    let plan = smallPlan()
    let state = try store.beginSweep(record("grid", plan))
    let rows = try (0..<5).map { index in
      let request = plan.request(at: index)
      let configuration = try request.resolve()
      return EvaluatedConfiguration(
        configuration: configuration, preset: request.preset,
        totals: try CostReport.totals(configuration))
    }
    #expect(try store.insertTotals(rows, sweep: state, range: 0..<5).inserted == 5)
    let again = try store.insertTotals(rows, sweep: state, range: 0..<5)
    #expect(again.inserted == 0 && again.duplicates == 5)
    #expect(try store.sweep(named: "grid").stored == 5)
  }

  @Test func sameNameWithAnotherDefinitionIsRefused() throws {
    let store = try ResultsStore.inMemory()
    _ = try store.beginSweep(record("grid", smallPlan()))
    var other = smallPlan()
    other.values[.frames] = [4]
    #expect(throws: StoreError.self) { _ = try store.beginSweep(record("grid", other)) }
    do {
      _ = try store.beginSweep(record("grid", other))
    } catch {
      #expect("\(error)".contains("another definition"))
    }
  }

  @Test func requestsResolvingAlikeAreOneConfiguration() throws {
    var plan = SweepPlan()
    plan.values[.gammaT] = [1.9, 2, 2.1, 4]
    let store = try ResultsStore.inMemory()
    let outcome = try SweepRunner(plan: plan, evaluator: costModel).run(
      into: store, record: record("rounding", plan), now: { "t" })
    #expect(outcome.inserted == 2 && outcome.duplicates == 2)
  }

  @Test func failuresAreCountedWithReasonsAndTheRestIsStored() throws {
    var plan = SweepPlan()
    plan.values[.gammaS] = [0.01, 1, 2]
    let store = try ResultsStore.inMemory()
    let outcome = try SweepRunner(plan: plan, evaluator: costModel).run(
      into: store, record: record("bad", plan), now: { "t" })
    #expect(outcome.failed == 1 && outcome.inserted == 2)
    #expect(outcome.failureReasons.first?.contains("--gamma-s") == true)
    #expect(
      outcome.state.failed == 1 && outcome.state.firstFailure?.contains("configuration 0") == true)
  }

  @Test func perLayerSweepStoresEveryNode() throws {
    var plan = SweepPlan()
    plan.presets = [.xs, .m]
    plan.perLayer = true
    let store = try ResultsStore.inMemory()
    _ = try SweepRunner(plan: plan, evaluator: costModel).run(
      into: store, record: record("layers", plan), now: { "t" })
    let report = try CostReport(try ModelConfiguration(preset: .m), perLayer: true)
    let stored = try store.query(
      """
      SELECT count(*), sum(l.macs), sum(l.params) FROM layers l JOIN configs c ON c.id = l.config_id
      WHERE c.preset = 'm'
      """)
    #expect(
      stored.rows == [
        [.integer(Int64(report.layers.count)), .integer(4_732_468_736), .integer(3_794_322)]
      ])
    let first = try store.query(
      "SELECT l.name FROM layers l JOIN configs c ON c.id = l.config_id WHERE c.preset = 'm' AND l.position = 1"
    )
    #expect(first.rows.first?.first == .text(report.layers[1].name))
  }

  @Test func twoConnectionsSweepingOneFileLoseNothing() async throws {
    let (path, directory) = temporaryDatabase()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Both open the fresh file at once: one applies the migrations, the other finds them applied.
    try await withThrowingTaskGroup(of: Void.self) { group in
      for name in ["left", "right"] {
        group.addTask {
          let store = try ResultsStore(path: path)
          var runner = SweepRunner(plan: smallPlan(), evaluator: costModel)
          runner.batchSize = 3
          _ = try runner.run(into: store, record: record(name, smallPlan()), now: { "t" })
        }
      }
      try await group.waitForAll()
    }
    let store = try ResultsStore(path: path, access: .readOnly)
    #expect(try count(store, "SELECT count(*) FROM configs") == 72)
    #expect(try store.sweeps().allSatisfy { $0.isComplete && $0.stored == 36 })
  }
}
