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
      maximizeY: true)
    #expect(frontier.map(\.preset) == [.xs, .s, .m, .l, .xl])
    #expect(frontier.map(\.y) == [68.6, 72.9, 74.6, 76.8, 78.4])
    #expect(frontier.allSatisfy { $0.dataset == "paper-table3" })
  }
}
