import Charts
import Testing

/// Ranges end near the data; ticks are round numbers, labelled in shown units.
struct AxisTests {
  @Test func linearRangeEndsNearTheData() {
    let axis = ChartAxis(title: "multiply-adds (G)", minimum: 0.6e9, maximum: 35.8e9, log: false, divisor: 1e9)
    #expect(abs(axis.lower - (0.6e9 - 0.04 * 35.2e9)) < 1)
    #expect(abs(axis.upper - (35.8e9 + 0.04 * 35.2e9)) < 1)
    let ticks = axis.ticks(target: 5)
    #expect(axis.labels(ticks) == ["0", "10", "20", "30"])
  }

  @Test func logRangeStopsShortOfTheNextDecade() {
    // Parameters from 1.6 M to 20 M: no empty decade up to 100 M.
    let axis = ChartAxis(title: "parameters (M)", minimum: 1.6e6, maximum: 20e6, log: true, divisor: 1e6)
    #expect(axis.upper < 25e6 && axis.lower > 1.3e6)
    #expect(axis.labels(axis.ticks()) == ["2", "5", "10", "20"])
    let wide = ChartAxis(title: "x", minimum: 1e7, maximum: 1e11, log: true)
    #expect(wide.labels(wide.ticks()) == ["10000000", "100000000", "1000000000", "10000000000", "100000000000"])
  }

  @Test func ticksFollowTheTargetCount() {
    let axis = ChartAxis(title: "top-1 accuracy (%)", minimum: 68.6, maximum: 78.4, log: false)
    #expect(axis.labels(axis.ticks(target: 5)) == ["70", "72", "74", "76", "78"])
    #expect(axis.labels(axis.ticks(target: 2)) == ["70", "75"])
  }
}
