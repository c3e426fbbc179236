import SweepStore
import Testing

/// The frontier, by hand.
struct ParetoTests {
  func point(_ name: String, _ x: Double, _ y: Double) -> PlotPoint {
    PlotPoint(configKey: name, x: x, y: y, dataset: nil, preset: nil, label: name)
  }

  @Test func maximizingKeepsOnlyImprovements() {
    let points = [
      point("a", 1, 60), point("b", 2, 70), point("c", 3, 65), point("d", 3, 72), point("e", 4, 72),
      point("f", 5, 80), point("g", 0.5, 50),
    ]
    #expect(
      ParetoFrontier.frontier(points, maximizeY: true).map(\.configKey) == [
        "g", "a", "b", "d", "f",
      ])
  }

  @Test func minimizingTakesTheLowerEnvelope() {
    let points = [
      point("a", 1, 5), point("b", 2, 3), point("c", 3, 4), point("d", 4, 1), point("e", 4, 2),
    ]
    #expect(ParetoFrontier.frontier(points, maximizeY: false).map(\.configKey) == ["a", "b", "d"])
  }

  @Test func exactTiesKeepTheFirst() {
    let points = [point("a", 1, 5), point("b", 1, 5)]
    #expect(ParetoFrontier.frontier(points, maximizeY: true).map(\.configKey) == ["a"])
  }

  @Test func storeFrontierOfThePresetsWithPublishedAccuracies() throws {
    let store = try ResultsStore.inMemory()
    try StandardResults.regenerate(into: store, evaluator: costModel, toolVersion: "test")
    let frontier = try store.pareto(
      sweep: "presets", x: try store.column(named: "macs"),
      y: try store.column(named: "top1@paper-table3"),
      maximizeY: true
    ).allFrontierPoints
    #expect(frontier.map(\.preset) == [.xs, .s, .m, .l, .xl])
    #expect(frontier.map(\.y) == [68.6, 72.9, 74.6, 76.8, 78.4])
    #expect(frontier.allSatisfy { $0.dataset == "paper-table3" })
  }

  @Test func nonFinitePointsAreCountedAndLeftOut() {
    var scan = ParetoScan<String>(maximizeY: true)
    for (x, y, name) in [(1.0, 5.0, "a"), (.nan, 9, "nan"), (2, .infinity, "inf"), (3, 7, "b")]
      as [(Double?, Double?, String)]
    {
      scan.add(x: x, y: y) { name }
    }
    scan.add(x: nil, y: 3) { "missing" }
    #expect(scan.frontier.map(\.payload) == ["a", "b"])
    #expect(scan.nonFinite == 3)
    #expect(scan.finite == 2)
    let points = [point("a", 1, 5), point("n", .nan, 9), point("b", 3, 7)]
    #expect(ParetoFrontier.frontier(points, maximizeY: true).map(\.configKey) == ["a", "b"])
  }

  /// The streamed frontier equals the in-memory one over the same points, for both directions and a measured y.
  @Test(arguments: [("params", false), ("inference_peak_bytes", false), ("activations", true)])
  func streamedFrontierMatchesInMemory(y: String, maximize: Bool) throws {
    let store = try ResultsStore.inMemory()
    try StandardResults.regenerate(into: store, evaluator: costModel, toolVersion: "test")
    let (xColumn, yColumn) = (try store.column(named: "macs"), try store.column(named: y))
    let points = try store.points(sweep: "standard", x: xColumn, y: yColumn)
    #expect(points.count > 100)
    let expected = ParetoFrontier.frontier(points, maximizeY: maximize)
    var visited = 0
    let streamed = try store.pareto(sweep: "standard", x: xColumn, y: yColumn, maximizeY: maximize) { _, _, _ in
      visited += 1
    }
    #expect(streamed.allFrontierPoints == expected)
    #expect(streamed.finite == points.count)
    #expect(visited == points.count)
    #expect(streamed.nonFinite == 0)
  }

  /// One frontier per dataset: the three published sources each give their own curve.
  @Test func oneFrontierPerDataset() throws {
    let store = try ResultsStore.inMemory()
    try StandardResults.regenerate(into: store, evaluator: costModel, toolVersion: "test")
    let result = try store.pareto(
      sweep: "presets", x: try store.column(named: "macs"), y: try store.column(named: "top1"), maximizeY: true,
      series: .dataset)
    #expect(result.series.sorted() == ["paper-table3", "pytorchvideo-model-zoo", "slowfast-model-zoo"])
    let paper = result.frontiers[result.series.firstIndex(of: "paper-table3")!]
    #expect(paper.map(\.y) == [68.6, 72.9, 74.6, 76.8, 78.4])
    let zoo = result.frontiers[result.series.firstIndex(of: "slowfast-model-zoo")!]
    #expect(zoo.map(\.y) == [69.5, 73.5, 76.2, 77.5])
  }
}
