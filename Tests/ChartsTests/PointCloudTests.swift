import Charts
import Foundation
import Testing

/// The growing grid: every point counted once, in the cell that holds it, with enough cells across the data.
struct PointCloudTests {
  /// Points in increasing x (as the ordered pass delivers them), the first thousands nearly equal.
  func cloud(log: Bool) -> (PointCloud, [FigurePoint]) {
    var generator = FigureSamples.Generator(state: 7)
    var cloud = PointCloud(logX: log, logY: false, limit: 1_000, resolution: 64)
    var points: [FigurePoint] = []
    for index in 0..<50_000 {
      let x = index < 2_000 ? 1 + Double(index) * 1e-6 : pow(Double(index), 1.5)
      let point = FigurePoint(x: x, y: 100 * generator.next() - 20)
      points.append(point)
      cloud.add(point)
    }
    return (cloud, points)
  }

  @Test(arguments: [false, true])
  func everyPointLandsInItsCell(log: Bool) {
    let (cloud, points) = cloud(log: log)
    #expect(cloud.isBinned && cloud.points.isEmpty)
    #expect(cloud.count == points.count && cloud.rejected == 0)
    #expect(cloud.xRange == points.map(\.x).min()!...points.map(\.x).max()!)
    // Recount from scratch on the final grid.
    var expected = Array(repeating: Int32(0), count: cloud.resolution * cloud.resolution)
    for point in points {
      let (tx, ty) = cloud.axisSpace(point)
      let column = Int((tx - cloud.origin.x) / cloud.width.x)
      let row = Int((ty - cloud.origin.y) / cloud.width.y)
      #expect((0..<cloud.resolution).contains(column) && (0..<cloud.resolution).contains(row))
      expected[min(row, cloud.resolution - 1) * cloud.resolution + min(column, cloud.resolution - 1)] += 1
    }
    #expect(expected == cloud.cells)
    // The data covers more than a quarter of the grid along each axis.
    let (low, high) = (cloud.axisSpace(points.first!).x, cloud.axisSpace(points.last!).x)
    #expect((high - low) / cloud.width.x > Double(cloud.resolution) / 4)
  }

  @Test func logAxesRejectWhatTheyCannotShow() {
    var cloud = PointCloud(logX: true, logY: true)
    for point in [
      FigurePoint(x: 1, y: 1), FigurePoint(x: 0, y: 1), FigurePoint(x: 2, y: -1), FigurePoint(x: .nan, y: 1),
    ] {
      cloud.add(point)
    }
    #expect(cloud.count == 1 && cloud.rejected == 3)
  }

  /// Constant, denormal and huge values: the grid grows in one step per point and keeps every count.
  @Test func extremeSpansNeitherHangNorLosePoints() {
    var cloud = PointCloud(limit: 100, resolution: 64)
    let values: [Double] = Array(repeating: 0, count: 200) + [5e-324, 1e-300, 1, -1e300, 1e300, 1.7e308, -1.7e308]
    for (index, value) in values.enumerated() { cloud.add(FigurePoint(x: value, y: Double(index))) }
    #expect(cloud.count == values.count)
    #expect(cloud.cells.reduce(0) { $0 + Int($1) } == values.count)
    #expect(cloud.xRange == -1.7e308...1.7e308)
  }
}
