import SweepStore
import Testing

/// Multi-view protocols: parsing, the stored protocol of sweeps and datasets, and non-finite measurements.
struct ViewsTests {
  @Test func parsesClipsByCrops() {
    #expect(TestViews("10x3") == TestViews(clips: 10, crops: 3))
    #expect(TestViews("10×3")?.count == 30)
    #expect(TestViews("1X1") == .single)
    for bad in ["", "10", "x3", "10x", "10x3x1", "0x3", "10x-1", "1001x1", "１0x3", "+1x3", "10 x3"] {
      #expect(TestViews(bad) == nil, "\(bad)")
    }
    #expect(TestViews(clips: 10, crops: 3).description == "10×3")
  }

  @Test func publishedDatasetsCarryTheirViewsAndSweepsDefaultToOne() throws {
    let store = try ResultsStore.inMemory()
    try StandardResults.regenerate(into: store, evaluator: costModel, toolVersion: "test")
    let views = try store.datasetViews()
    #expect(views["paper-table3"] == TestViews(clips: 10, crops: 1))
    #expect(views["slowfast-model-zoo"] == TestViews(clips: 10, crops: 3))
    #expect(views["pytorchvideo-model-zoo"] == TestViews(clips: 10, crops: 3))
    #expect(try store.views(sweep: "standard") == .single)
    try store.setViews(TestViews(clips: 10, crops: 3), sweep: "standard")
    #expect(try store.views(sweep: "standard").count == 30)
    #expect(throws: StoreError.self) { try store.setViews(.single, dataset: "nope") }
  }

  @Test func infiniteMeasurementsAreCountedNotPlotted() throws {
    let store = try ResultsStore.inMemory()
    try StandardResults.regenerate(into: store, evaluator: costModel, toolVersion: "test")
    let rows = try store.query(
      "SELECT key FROM configs WHERE sweep_id = (SELECT id FROM sweeps WHERE name = 'presets') ORDER BY id"
    ).rows
    let stored = rows.enumerated().compactMap { index, row -> Measurement? in
      guard case .text(let key) = row[0] else { return nil }
      return Measurement(configKey: key, metric: "latency_ms", value: index == 2 ? .infinity : Double(index + 1))
    }
    try store.insertMeasurements(
      stored, dataset: DatasetRecord(name: "bench", source: "test", description: "latency", importedAt: "2024-01-01"))
    let result = try store.pareto(
      sweep: "presets", x: store.column(named: "macs"), y: store.column(named: "latency_ms"), maximizeY: false)
    #expect(result.nonFinite == 1)
    #expect(result.finite == 5)
  }
}
