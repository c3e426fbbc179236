import Charts
import Foundation
import Testing

/// Labels never overlap each other, a marker or density cell, or a frontier segment; those that fit nowhere are
/// reported, never drawn on top of something.
struct LabelPlacementTests {
  /// Whether the segment crosses or touches the box (Liang–Barsky clipping).
  func crosses(_ a: PagePoint, _ b: PagePoint, _ box: PageRect) -> Bool {
    var (t0, t1) = (0.0, 1.0)
    let (dx, dy) = (b.x - a.x, b.y - a.y)
    for (p, q) in [(-dx, a.x - box.minX), (dx, box.maxX - a.x), (-dy, a.y - box.minY), (dy, box.maxY - a.y)] {
      if p == 0 {
        if q < 0 { return false }
      } else {
        let t = q / p
        if p < 0 { t0 = max(t0, t) } else { t1 = min(t1, t) }
        if t0 > t1 { return false }
      }
    }
    return true
  }

  func check(_ figure: Figure) -> FigureLayout {
    let layout = FigureLayout(figure)
    let boxes = layout.placed.map(\.box)
    for (i, box) in boxes.enumerated() {
      #expect(layout.plot.contains(box), "label \(layout.placed[i].text) leaves the plot: \(box)")
      for other in boxes[(i + 1)...] { #expect(!box.intersects(other), "labels overlap: \(box) \(other)") }
      for marker in layout.markerBoxes {
        #expect(!box.intersects(marker), "label \(layout.placed[i].text) covers a marker \(marker)")
      }
      for (a, b) in layout.frontierSegments {
        #expect(!crosses(a, b, box), "label \(layout.placed[i].text) crosses the frontier \(a)–\(b)")
      }
      // Only its own leader line may touch a label.
      #expect(layout.leaders.count(where: { crosses($0.0, $0.1, box) }) <= 1)
    }
    #expect(layout.placed.count + layout.omitted.count == figure.labels.count)
    return layout
  }

  @Test func sparseCloudPlacesEveryLabel() {
    let layout = check(FigureSamples.dense(count: 60, width: 432, labels: 6))
    #expect(layout.omitted.isEmpty, "\(layout.omitted)")
    #expect(layout.placed.count == 6)
  }

  /// 40 labels on neighbouring frontier points of a one-column figure: many cannot be placed, none overlaps.
  @Test(arguments: [2_000, 100_000])
  func crowdedLabelsNeverOverlap(count: Int) {
    let layout = check(FigureSamples.dense(count: count, labels: 40))
    #expect(layout.placed.count >= 2, "\(layout.placed.count) placed")
    #expect(!layout.omitted.isEmpty)
  }

  /// Six labels spread along the frontier of a dense cloud, as presets are. The first two sit where the frontier
  /// leaves the lower-left corner: the plot's edge on one side, the steep frontier on the other and the cloud below
  /// leave no room for a box, so they are left out and reported; the other four find a place, in one column too.
  @Test(arguments: [2_000, 100_000])
  func spreadLabelsOnADenseCloud(count: Int) {
    for width in [432, 237.6] {
      let layout = check(FigureSamples.dense(count: count, width: width, labels: 6))
      #expect(Set(layout.placed.map(\.text)) == ["X3D-2", "X3D-3", "X3D-4", "X3D-5"], "\(width): \(layout.omitted)")
    }
  }

  @Test func cloudsBeyondTheLimitBecomeADensity() {
    let figure = FigureSamples.dense(count: 100_000, labels: 0)
    #expect(figure.series[0].cloud.isBinned)
    #expect(figure.series[0].cloud.points.isEmpty)
    #expect(figure.series[0].cloud.cells.reduce(0) { $0 + Int($1) } == 100_000)
    #expect(figure.series[0].cloud.count == 100_000)
    #expect(figure.series[0].cloud.cells.count == 512 * 512)
  }

  @Test func legendSitsOutsideThePlot() {
    let figure = FigureSamples.dense(count: 300, labels: 0)
    let layout = FigureLayout(figure)
    let legendTexts = layout.marks.compactMap { mark -> PagePoint? in
      if case .text(let text, let at, _, _, _, _) = mark, text == "Pareto frontier" || text == "configurations" {
        return at
      }
      return nil
    }
    #expect(legendTexts.count == 2)
    for at in legendTexts { #expect(at.y > layout.plot.maxY, "legend at \(at) inside \(layout.plot)") }
  }
}
