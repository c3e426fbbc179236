import CostModel
import Foundation
import TestSupport
import Testing
import X3DModel

/// Compares every field of the committed fvcore/pytorchvideo counts (tools/gen_cost_fixtures.py,
/// tools/gen_slowfast_costs.py) with the cost model, exactly.
struct PyTorchFixtureTests {
  struct Fixture: Decodable {
    var regenerate: String
    var impl: String
    var cases: [Case]
  }

  struct Case: Decodable {
    var frames, crop, classes: Int
    var width_factor, depth_factor, bottleneck_factor: Double
    var params, params_no_bn, conv_macs, linear_macs, batch_norm, fvcore_total, activations: Int
  }

  @Test(arguments: ["pytorchvideo_costs.json", "slowfast_costs.json"])
  func everyFieldMatches(_ file: String) throws {
    guard FileManager.default.fileExists(atPath: Fixtures.directory.appendingPathComponent(file).path) else {
      Issue.record("missing fixture \(file)")
      return
    }
    let fixture = try Fixtures.load(file, as: Fixture.self)
    let implementation = try #require(ImplementationVariant(rawValue: fixture.impl))
    #expect(fixture.cases.count >= 20)
    var mismatches = Mismatches()
    for c in fixture.cases {
      let configuration = try ModelConfiguration(
        frames: c.frames, crop: c.crop, widthFactor: c.width_factor, depthFactor: c.depth_factor,
        bottleneckFactor: c.bottleneck_factor, classes: c.classes, implementation: implementation)
      let label =
        "\(fixture.impl) T\(c.frames) S\(c.crop) w\(c.width_factor) d\(c.depth_factor) b\(c.bottleneck_factor) K\(c.classes)"
      for perLayer in [false, true] {
        let t = try CostReport(configuration, perLayer: perLayer).totals
        mismatches.expect(t[.params], c.params, "\(label) params")
        mismatches.expect(t[.paramsNoBN], c.params_no_bn, "\(label) params_no_bn")
        mismatches.expect(t[.convMacs], c.conv_macs, "\(label) conv_macs")
        mismatches.expect(t[.linearMacs], c.linear_macs, "\(label) linear_macs")
        mismatches.expect(2 * t[.bnElements], c.batch_norm, "\(label) fvcore batch_norm")
        mismatches.expect(t[.fvcoreFlops], c.fvcore_total, "\(label) fvcore total")
        mismatches.expect(t[.activations], c.activations, "\(label) activations")
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches.report)\nRegenerate with: \(fixture.regenerate)")
  }
}
