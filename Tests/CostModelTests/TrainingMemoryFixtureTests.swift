import CostModel
import TestSupport
import Testing
import X3DModel

/// Training activation memory against PyTorch: the bytes autograd saved (each storage once, parameters and
/// buffers excluded) for pytorchvideo's X3D in train mode (tools/gen_training_memory.py).
struct TrainingMemoryFixtureTests {
  struct Fixture: Decodable {
    var regenerate: String
    var cases: [Case]
  }

  struct Case: Decodable {
    var frames, crop, classes, batch: Int
    var width_factor, depth_factor, bottleneck_factor: Double
    var training_saved_bytes: Int
  }

  @Test func matchesPyTorchSavedTensors() throws {
    let fixture = try Fixtures.load("pytorchvideo_training_memory.json", as: Fixture.self)
    #expect(fixture.cases.count >= 6)
    var mismatches = Mismatches()
    for c in fixture.cases {
      let configuration = try ModelConfiguration(
        frames: c.frames, crop: c.crop, widthFactor: c.width_factor, depthFactor: c.depth_factor,
        bottleneckFactor: c.bottleneck_factor, classes: c.classes, batch: c.batch, implementation: .pytorchvideo)
      let totals = try CostReport.totals(configuration)
      mismatches.expect(
        totals[.trainingActivationBytes], c.training_saved_bytes,
        "T\(c.frames) S\(c.crop) w\(c.width_factor) d\(c.depth_factor) b\(c.bottleneck_factor) N\(c.batch)")
    }
    #expect(mismatches.isEmpty, "\(mismatches.report)\nRegenerate with: \(fixture.regenerate)")
  }
}
