import CostModel
import Foundation
import GRDB
import Testing
import X3DModel

@testable import SweepStore

/// Sweeps whose plan cannot produce one key twice are stored without a key index; the others get a unique index
/// over their own keys; the committed cursor alone keeps a resumed or concurrent run from storing a row twice.
struct DistinctKeysTests {
  /// Explicit frames, crops, factors, classes and batch over two implementations: 2·3·2·2·2·2·2·2 = 384.
  func explicitPlan() -> SweepPlan {
    var plan = SweepPlan()
    plan.implementations = [.paper, .slowfast]
    plan.values[.frames] = [4, 8, 16]
    plan.values[.crop] = [112, 160]
    plan.values[.testCrop] = [160, 224]
    plan.values[.widthFactor] = [1, 2]
    plan.values[.depthFactor] = [1, 2.2]
    plan.values[.bottleneckFactor] = [2.25, 4]
    plan.values[.classes] = [400]
    plan.values[.batch] = [1, 2]
    return plan
  }

  @Test func planTellsWhetherItsKeysAreDistinct() {
    #expect(explicitPlan().keysAreDistinct)
    var onePreset = explicitPlan()
    onePreset.presets = [.m]
    onePreset.values[.gammaTau] = [5]
    #expect(onePreset.keysAreDistinct)
    #expect(!smallPlan().keysAreDistinct)
    var gamma = explicitPlan()
    gamma.values[.gammaT] = [1.9, 2.1]
    #expect(!gamma.keysAreDistinct)
    var truncated = explicitPlan()
    truncated.values[.frames] = [4, 4.5]
    #expect(!truncated.keysAreDistinct)
    var canonical = explicitPlan()
    canonical.values[.widthFactor] = [2, 2.0000001]
    #expect(!canonical.keysAreDistinct)
    var twice = explicitPlan()
    twice.implementations = [.paper, .paper]
    #expect(!twice.keysAreDistinct)
  }

  @Test func aDistinctPlanStoresEveryConfigurationOnceWithoutAKeyIndex() throws {
    let store = try ResultsStore.inMemory()
    let plan = explicitPlan()
    var runner = SweepRunner(plan: plan, evaluator: costModel)
    runner.batchSize = 25
    let outcome = try runner.run(into: store, record: record("explicit", plan), now: { "t" })
    #expect(outcome.inserted == 384 && outcome.duplicates == 0 && outcome.failed == 0)
    #expect(try count(store, "SELECT count(DISTINCT key) FROM configs") == 384)
    #expect(try count(store, "SELECT stored FROM sweeps WHERE name = 'explicit'") == 384)
    #expect(try count(store, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'configs_key_of_sweep_%'") == 0)
    let again = try runner.run(into: store, record: record("explicit", plan), now: { "t" })
    #expect(again.processed == 0 && again.state.stored == 384)
  }

  @Test func aPlanWithoutDistinctKeysGetsAUniqueIndexOverItsKeys() throws {
    let store = try ResultsStore.inMemory()
    var plan = SweepPlan()
    plan.values[.gammaT] = [1.9, 2, 2.1, 4]
    let outcome = try SweepRunner(plan: plan, evaluator: costModel).run(
      into: store, record: record("rounding", plan), now: { "t" })
    #expect(outcome.inserted == 2 && outcome.duplicates == 2)
    #expect(try count(store, "SELECT count(*) FROM sqlite_master WHERE name = 'configs_key_of_sweep_1'") == 1)
    // The index covers this sweep only: another sweep stores the same configurations again.
    let other = try SweepRunner(plan: plan, evaluator: costModel).run(
      into: store, record: record("again", plan), now: { "t" })
    #expect(other.inserted == 2)
    #expect(try count(store, "SELECT count(*) FROM configs") == 4)
  }

  /// Two runs that overlap by part of a batch (another batch size, a concurrent process): the rows below the
  /// committed cursor are skipped by their plan index.
  @Test func rowsBelowTheCommittedCursorAreSkipped() throws {
    let store = try ResultsStore.inMemory()
    let plan = explicitPlan()
    let state = try store.beginSweep(record("explicit", plan))
    func rows(_ range: Range<Int>, indexed: Bool = true) throws -> [EvaluatedConfiguration] {
      try range.map { index in
        let configuration = try plan.request(at: index).resolve()
        return EvaluatedConfiguration(
          configuration: configuration, preset: nil, totals: try CostReport.totals(configuration),
          planIndex: indexed ? index : nil)
      }
    }
    #expect(try store.insertTotals(rows(0..<10), sweep: state, range: 0..<10).inserted == 10)
    let overlap = try store.insertTotals(rows(5..<15), sweep: state, range: 5..<15)
    #expect(overlap.inserted == 5 && overlap.duplicates == 5)
    let below = try store.insertTotals(rows(0..<15, indexed: false), sweep: state, range: 0..<15)
    #expect(below.inserted == 0)
    #expect(try count(store, "SELECT count(DISTINCT key) FROM configs") == 15)
    #expect(try store.sweep(named: "explicit").stored == 15)
    #expect(try store.sweep(named: "explicit").nextIndex == 15)
  }

  @Test func twoConnectionsWithOtherBatchSizesStoreADistinctPlanOnce() async throws {
    let (path, directory) = temporaryDatabase()
    defer { try? FileManager.default.removeItem(at: directory) }
    let plan = explicitPlan()
    try await withThrowingTaskGroup(of: Void.self) { group in
      for size in [7, 30] {
        group.addTask {
          let store = try ResultsStore(path: path)
          var runner = SweepRunner(plan: plan, evaluator: costModel)
          runner.batchSize = size
          _ = try runner.run(into: store, record: record("shared", plan), now: { "t" })
        }
      }
      try await group.waitForAll()
    }
    let store = try ResultsStore(path: path, access: .readOnly)
    #expect(try count(store, "SELECT count(*) FROM configs") == 384)
    #expect(try count(store, "SELECT count(DISTINCT key) FROM configs") == 384)
    #expect(try store.sweep(named: "shared").stored == 384)
  }

  /// A database at schema v2 (configs with `UNIQUE (sweep_id, key)`) keeps its rows, layers and views when migrated.
  @Test func upgradeFromVersion2KeepsRowsLayersAndViews() throws {
    let (path, directory) = temporaryDatabase()
    defer { try? FileManager.default.removeItem(at: directory) }
    var migrator = DatabaseMigrator()
    for (version, migration) in StoreMigrations.all.prefix(2).enumerated() {
      migrator.registerMigration(migration.identifier) { db in
        try migration.body(db)
        try db.execute(sql: "PRAGMA user_version = \(version + 1)")
      }
    }
    let queue = try DatabaseQueue(path: path)
    try migrator.migrate(queue)
    try queue.write { db in
      try db.execute(
        sql: """
          INSERT INTO sweeps (name, kind, created_at, tool_version, implementations, element_type, conventions,
            command_line, definition, per_layer, planned, next_index)
          VALUES ('old', 'sweep', 't', 'v', 'paper', 'f32', 'c', 'x', 'd', 1, 2, 2);
          INSERT INTO configs VALUES (7, 1, 'k1', 'm', 'paper', 5, 16, 2, 1, 2.25, 2.2, 16, 224, 224, 2, 2.2, 2.25,
            400, 1, 10, 9, 1, 20, 30, 40, 35, 5, 6, 7, 8);
          INSERT INTO configs VALUES (8, 1, 'k2', NULL, 'paper', 5, 4, 1, 1, 2.25, 2.2, 4, 112, 112, 2, 2.2, 2.25,
            400, 1, 11, 9, 2, 21, 31, 41, 36, 5, 6, 7, 8);
          INSERT INTO layers VALUES (7, 0, 'stem', 'conv', 's1', '1×3', '1×24', 'k', 1, 2, 3, 4, 5, 6);
          """)
    }
    try queue.close()
    let store = try ResultsStore(path: path)
    #expect(try store.schemaVersion() == ResultsStore.supportedSchemaVersion)
    #expect(try store.sweep(named: "old").stored == 2)
    #expect(try count(store, "SELECT count(*) FROM results WHERE sweep = 'old' AND key IN ('k1', 'k2')") == 2)
    #expect(
      try count(store, "SELECT l.macs FROM layers l JOIN configs c ON c.id = l.config_id WHERE c.key = 'k1'") == 1)
    #expect(try count(store, "SELECT count(*) FROM pragma_foreign_key_check") == 0)
    let definition = try store.query("SELECT sql FROM sqlite_master WHERE name = 'configs'")
    #expect(!"\(definition.rows)".contains("UNIQUE"))
    #expect(try count(store, "SELECT count(*) FROM pragma_foreign_key_list('layers') WHERE \"table\" = 'configs'") == 1)
  }

  /// Every stored key is ``ConfigurationKey/make(_:)`` of its configuration.
  @Test func everyStoredKeyIsTheConfigurationKey() throws {
    let store = try ResultsStore.inMemory()
    let plan = explicitPlan()
    _ = try SweepRunner(plan: plan, evaluator: costModel).run(into: store, record: record("keys", plan), now: { "t" })
    let keys = Set(
      try store.query("SELECT key FROM configs").rows.compactMap { row -> String? in
        if case .text(let key) = row[0] { return key }
        return nil
      })
    let expected = Set(try (0..<384).map { ConfigurationKey.make(try plan.request(at: $0).resolve()) })
    #expect(keys.count == 384 && keys == expected)
  }

  /// The evaluating threads' key writer writes exactly ``ConfigurationKey/make(_:)``'s text, reusing its buffer and
  /// its remembered factor texts across keys.
  @Test func keyWriterWritesTheConfigurationKey() throws {
    var writer = ConfigurationKeyWriter()
    let factors = [2.0, 2.2, 0.1, 1e-05, 0.416667, 123.45, 2.25, 1.0 / 3, 9.99999]
    for (index, factor) in factors.enumerated() {
      for frames in [1, 9, 10, 16, 1000, 1_000_000] {
        let configuration = try ModelConfiguration(
          frames: frames, crop: 112 + index, testCrop: index % 2 == 0 ? nil : 7, widthFactor: factor,
          depthFactor: factors[(index + 1) % factors.count], bottleneckFactor: factors[(index + 2) % factors.count],
          classes: 400 + index, batch: frames, implementation: index % 2 == 0 ? .paper : .pytorchvideo,
          gammas: ExpansionVector(gammaTau: factors[(index + 3) % factors.count]))
        #expect(writer.key(configuration) == ConfigurationKey.make(configuration))
      }
    }
  }
}
