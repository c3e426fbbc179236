import Foundation
import SweepStore
import Testing

/// Measurements from CSV: matched by hyperparameters, unmatched rows reported, bad files refused whole.
struct ImportTests {
  func storeWithGrid() throws -> ResultsStore {
    let store = try ResultsStore.inMemory()
    _ = try SweepRunner(plan: smallPlan(), evaluator: costModel).run(
      into: store, record: record("grid", smallPlan()), now: { "t" })
    return store
  }

  let dataset = DatasetRecord(
    name: "lab", source: "bench.csv", description: "test", importedAt: "2024-01-01T00:00:00Z")

  @Test func rowsMatchByHyperparametersAndUnmatchedRowsAreReported() throws {
    let store = try storeWithGrid()
    let csv = """
      preset,frames,crop,top1,latency_ms\r
      m,16,224,76.2,12.5\r
      l,16,312,77.5,\r
      m,16,999,1,1\r
      "xs",4,160,"69.5",3\r

      """
    let report = try store.importMeasurements(csv: csv, sweep: "grid", dataset: dataset)
    #expect(report.rows == 4 && report.matched == 3 && report.stored == 5)
    #expect(report.unmatched.count == 1 && report.unmatched.first?.line == 4)
    #expect(report.unmatched.first?.reason.contains("crop 999") == true)
    let m = try store.query(
      """
      SELECT metric, value FROM measured WHERE sweep = 'grid' AND dataset = 'lab' AND preset = 'm' AND frames = 16
        AND crop = 224 ORDER BY metric
      """)
    #expect(m.rows == [[.text("latency_ms"), .real(12.5)], [.text("top1"), .real(76.2)]])
  }

  @Test func rowsWithoutSamplingRateMatchAnyOneButAmbiguityIsReported() throws {
    let store = try storeWithGrid()
    // XS and M at 16×224² are the same network at sampling rates 12 and 5: ambiguous without gamma_tau.
    let header = "frames,crop,width_factor,depth_factor,bottleneck_factor"
    let ambiguous = try store.importMeasurements(
      csv: "\(header),top1\n16,224,2,2.2,2.25,75.9\n", sweep: "grid", dataset: dataset)
    #expect(
      ambiguous.matched == 0 && ambiguous.unmatched.first?.reason.contains("gamma_tau") == true)
    let named = try store.importMeasurements(
      csv: "\(header),gamma_tau,top1\n16,224,2,2.2,2.25,5,75.9\n", sweep: "grid", dataset: dataset)
    #expect(named.matched == 1 && named.unmatched.isEmpty)
    let unique = try store.importMeasurements(
      csv: "\(header),top1\n16,312,2,5,2.25,77\n", sweep: "grid", dataset: dataset)
    #expect(unique.matched == 1 && unique.unmatched.isEmpty)
  }

  @Test func unknownColumnsAreRefusedAndNothingIsStored() throws {
    let store = try storeWithGrid()
    let csv = "preset,frames,top1,gpu_hours\nm,16,76.2,3\n"
    #expect(throws: StoreError.self) {
      try store.importMeasurements(csv: csv, sweep: "grid", dataset: dataset)
    }
    do {
      _ = try store.importMeasurements(csv: csv, sweep: "grid", dataset: dataset)
    } catch {
      #expect("\(error)".contains("gpu_hours") && "\(error)".contains("--metric"))
    }
    #expect(try count(store, "SELECT count(*) FROM measurements") == 0)
    #expect(try count(store, "SELECT count(*) FROM datasets") == 0)
  }

  @Test func declaredMetricsAreAccepted() throws {
    let store = try storeWithGrid()
    let csv = "preset,frames,crop,gpu_hours\nm,16,224,3\n"
    let report = try store.importMeasurements(
      csv: csv, sweep: "grid", dataset: dataset,
      declaring: [try MetricDeclaration(parsing: "gpu_hours:h:lower")])
    #expect(report.stored == 1)
    #expect(
      try store.metrics().contains(MetricDeclaration(name: "gpu_hours", unit: "h", better: .lower)))
    #expect(throws: StoreError.invalidMetricDeclaration("GPU hours")) {
      try MetricDeclaration(parsing: "GPU hours")
    }
  }

  @Test func malformedRowsRefuseTheWholeFile() throws {
    let store = try storeWithGrid()
    for csv in [
      "preset,frames,crop,top1\nm,16,224,76.2\nm,16,abc,1\n", "preset,frames,crop,top1\nm,16,224\n",
      "preset,top1\nzz,1\n", "preset,top1\n\"m,1\n", "",
    ] {
      #expect(throws: StoreError.self, "\(csv)") {
        try store.importMeasurements(csv: csv, sweep: "grid", dataset: dataset)
      }
    }
    #expect(try count(store, "SELECT count(*) FROM measurements") == 0)
  }

  @Test func reimportingReplacesValues() throws {
    let store = try storeWithGrid()
    _ = try store.importMeasurements(
      csv: "preset,frames,crop,top1\nm,16,224,70\n", sweep: "grid", dataset: dataset)
    _ = try store.importMeasurements(
      csv: "preset,frames,crop,top1\nm,16,224,71\n", sweep: "grid", dataset: dataset)
    #expect(try store.query("SELECT value FROM measurements").rows == [[.real(71)]])
  }

  @Test func unknownSweepIsNamed() throws {
    let store = try storeWithGrid()
    #expect(throws: StoreError.unknownSweep(name: "nope", known: ["grid"])) {
      try store.importMeasurements(csv: "preset,top1\nm,1\n", sweep: "nope", dataset: dataset)
    }
  }
}
