import CostModel
import Foundation
import TestSupport
import Testing
import X3DModel

/// `--amp bf16|f16` against PyTorch (Tests/Fixtures/training_amp_memory.json, tools/gen_training_amp_memory.py):
/// pytorchvideo's X3D in 16 bits with float32 master weights and optimizer state on the CPU. The plain sums exact;
/// saved activations within 1% (PyTorch keeps a float32 copy of pool5's input, `pool_cast_bytes`, since its CPU
/// avg_pool3d has no 16-bit kernel); the peak of the memory timeline within 5%.
struct TrainingAmpMemoryTests {
  struct Case: Decodable, Sendable {
    var frames, crop, classes, batch: Int
    var width_factor, depth_factor, bottleneck_factor: Double
    var optimizer, amp: String
    var parameter_bytes, gradient_bytes, master_weight_bytes, optimizer_state_bytes: Int
    var saved_activation_bytes, peak_bytes, pool_cast_bytes, input_bytes: Int
  }

  @Test("master weights, parameters, gradients, optimizer state exact; saved within 1%, the peak within 5%")
  func pytorchFixture() throws {
    let fixture = try FixtureManifest<Case>.load(
      "training_amp_memory.json", format: "x3d-training-amp-memory", version: 1)
    #expect(fixture.cases.filter { $0.amp == "bf16" }.count >= 4)
    #expect(fixture.cases.contains { $0.amp == "f16" })
    var mismatches = Mismatches()
    for c in fixture.cases {
      let configuration = try ModelConfiguration(
        frames: c.frames, crop: c.crop, widthFactor: c.width_factor, depthFactor: c.depth_factor,
        bottleneckFactor: c.bottleneck_factor, classes: c.classes, batch: c.batch, implementation: .pytorchvideo)
      let optimizer = try #require(TrainingOptimizer(rawValue: c.optimizer))
      let precision = try #require(MixedPrecision(rawValue: c.amp))
      let memory = try TrainingStepMemory(configuration, optimizer: optimizer, precision: precision)
      let label = "T\(c.frames) S\(c.crop) w\(c.width_factor) d\(c.depth_factor) N\(c.batch) \(c.optimizer) \(c.amp)"
      mismatches.expect(memory.parameterBytes, c.parameter_bytes, "\(label) parameters")
      mismatches.expect(memory.gradientBytes, c.gradient_bytes, "\(label) gradients")
      mismatches.expect(memory.masterWeightBytes, c.master_weight_bytes, "\(label) master weights")
      mismatches.expect(memory.optimizerStateBytes, c.optimizer_state_bytes, "\(label) optimizer state")
      let saved = Double(memory.savedActivationBytes) / Double(c.saved_activation_bytes) - 1
      let peak = Double(memory.peakBytes) / Double(c.peak_bytes) - 1
      print(
        "\(label): saved model \(memory.savedActivationBytes) PyTorch \(c.saved_activation_bytes) "
          + "(\(String(format: "%+.2f%%", 100 * saved)), pool5 float32 copy \(c.pool_cast_bytes)); peak model "
          + "\(memory.peakBytes) (\(memory.peakAt)) PyTorch \(c.peak_bytes) (\(String(format: "%+.2f%%", 100 * peak)))")
      #expect(abs(saved) <= 0.01, "\(label) saved activations")
      #expect(abs(peak) <= 0.05, "\(label) peak")
    }
    #expect(mismatches.isEmpty, "\(mismatches.report)\nRegenerate with: \(fixture.regenerate)")
  }
}
