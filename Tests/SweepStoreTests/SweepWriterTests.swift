import CostModel
import Foundation
import SweepStore
import Testing
import X3DModel

/// The sweep writer's shapes of work: evaluation in chunks shared by worker threads and the writing thread, rows
/// written ten to a statement with the rest one by one, and checkpoints on a connection of their own.
struct SweepWriterTests {
  /// 9 frames × 3 crops × 3 depth factors = 81 configurations, keys distinct by plan.
  func plan() -> SweepPlan {
    var plan = SweepPlan()
    plan.values[.frames] = (1...9).map(Double.init)
    plan.values[.crop] = [112, 128, 160]
    plan.values[.depthFactor] = [1, 2.2, 3]
    return plan
  }

  /// Key and totals of every configuration of the plan, priced one by one in plan order.
  func expectedRows(_ plan: SweepPlan) throws -> [[QueryResult.Cell]] {
    try (0..<(plan.count ?? 0)).map { index in
      let configuration = try plan.request(at: index).resolve()
      let totals = try CostReport.totals(configuration)
      return [.text(ConfigurationKey.make(configuration))]
        + [CostField.macs, .fvcoreFlops, .trainingMacs, .inferencePeakBytes].map { .integer(Int64(totals[$0])) }
    }
  }

  @Test(arguments: [(1, 13), (2, 81), (3, 10), (3, 1_000)])
  func rowsAreStoredInPlanOrderWithTheirTotals(lanes: Int, batchSize: Int) throws {
    let store = try ResultsStore.inMemory()
    var runner = SweepRunner(plan: plan(), evaluator: costModel)
    runner.lanes = lanes
    runner.batchSize = batchSize
    let outcome = try runner.run(into: store, record: record("grid", plan()), now: { "t" })
    #expect(outcome.inserted == 81 && outcome.duplicates == 0 && outcome.state.stored == 81)
    let stored = try store.query(
      "SELECT key, macs, fvcore_flops, training_macs, inference_peak_bytes FROM configs ORDER BY id")
    #expect(stored.rows == (try expectedRows(plan())))
  }

  /// Layer rows, whose text columns the evaluating threads format, as the cost report gives them.
  @Test(arguments: [1, 2])
  func layerRowsCarryTheCostReportsTexts(lanes: Int) throws {
    var plan = SweepPlan()
    plan.values[.frames] = [1, 4]
    plan.values[.crop] = [112, 136]
    plan.values[.depthFactor] = [1, 2.2]
    plan.perLayer = true
    let store = try ResultsStore.inMemory()
    var runner = SweepRunner(plan: plan, evaluator: costModel)
    runner.lanes = lanes
    runner.batchSize = 3
    _ = try runner.run(into: store, record: record("layers", plan), now: { "t" })
    let stored = try store.query(
      """
      SELECT name, kind, stage, input_shape, output_shape, geometry, macs, bytes_read FROM layers
      ORDER BY config_id, position
      """)
    let expected = try (0..<8).flatMap { index in
      try CostReport(try plan.request(at: index).resolve(), perLayer: true).layers.map { layer -> [QueryResult.Cell] in
        [
          layer.name, layer.kind, layer.node.path.stage.name, layer.node.inputShape.description,
          layer.node.outputShape.description, layer.geometry,
        ].map { .text($0) } + [.integer(Int64(layer.cost[.macs])), .integer(Int64(layer.cost[.bytesRead]))]
      }
    }
    #expect(expected.count > 8 * 100)
    #expect(stored.rows == expected)
  }

  @Test func aSweepResumedInsideARunOfRowsStoresEachConfigurationOnce() throws {
    let store = try ResultsStore.inMemory()
    var runner = SweepRunner(plan: plan(), evaluator: costModel)
    runner.batchSize = 27
    var batches = 0
    let first = try runner.run(
      into: store, record: record("grid", plan()), now: { "t" }, progress: { _ in batches += 1 },
      shouldStop: { batches >= 1 })
    #expect(first.interrupted && first.state.stored == 27)
    // Resumed with another batch size, whose first batch starts below the cursor: rows 0 ..< 27 are skipped by
    // plan index, and the 14 after them are written as one group of ten and four single rows.
    runner.batchSize = 41
    let second = try runner.run(into: store, record: record("grid", plan()), now: { "t" })
    #expect(second.state.stored == 81 && second.state.isComplete)
    let stored = try store.query(
      "SELECT key, macs, fvcore_flops, training_macs, inference_peak_bytes FROM configs ORDER BY id")
    #expect(stored.rows == (try expectedRows(plan())))
  }

  /// With checkpoints on their own connection, the log restarts every fourth batch: its file never holds more than
  /// a few batches' pages, and the writing connection checkpoints by itself again afterwards.
  @Test func theWriteAheadLogStaysWithinAFewBatches() throws {
    let (path, directory) = temporaryDatabase()
    defer { try? FileManager.default.removeItem(at: directory) }
    // The schema's migrations write their own pages to the log; closing the first connection folds them into the
    // database and removes the log, so the sweep starts with an empty one.
    _ = try ResultsStore(path: path)
    #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    let store = try ResultsStore(path: path)
    var runner = SweepRunner(plan: plan(), evaluator: costModel)
    runner.batchSize = 3
    let outcome = try runner.run(into: store, record: record("grid", plan()), now: { "t" })
    #expect(outcome.state.stored == 81)
    let pageBytes = 16_384 + 24
    let walBytes = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? -1
    // 27 batches write at least one page each (the sweeps row); without restarts the log would hold all of them.
    #expect(walBytes > 0 && walBytes < 16 * pageBytes, "\(walBytes) bytes of log")
    #expect(try count(store, "PRAGMA wal_autocheckpoint") == 1_000)
    let reader = try ResultsStore(path: path, access: .readOnly)
    #expect(try count(reader, "SELECT count(*) FROM configs") == 81)
    #expect(try reader.query("PRAGMA integrity_check").rows == [[.text("ok")]])
  }
}
