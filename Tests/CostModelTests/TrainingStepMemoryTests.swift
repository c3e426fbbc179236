import CostModel
import Foundation
import TestSupport
import Testing
import X3DModel

/// The memory of a training step: plain sums exact against PyTorch after one `step()`, the peak within 5% of
/// torch.profiler's CPU memory timeline (tools/gen_training_step_memory.py), and the model's own invariants.
struct TrainingStepMemoryTests {
  struct Fixture: Decodable {
    var format: String
    var version: Int
    var regenerate: String
    var cases: [Case]
    var checkpoint_cases: [CheckpointCase]
  }

  struct CheckpointCase: Decodable {
    var frames, crop, classes, batch: Int
    var width_factor, depth_factor, bottleneck_factor: Double
    var checkpointing: String
    var peak_bytes, forward_end_bytes, recomputed_macs, input_bytes: Int
  }

  struct Case: Decodable {
    var frames, crop, classes, batch: Int
    var width_factor, depth_factor, bottleneck_factor: Double
    var parameter_bytes, gradient_bytes, peak_bytes, input_bytes: Int
    var optimizer_state_bytes: [String: Int]
    var profiled_optimizer: String

    func configuration() throws -> ModelConfiguration {
      try ModelConfiguration(
        frames: frames, crop: crop, widthFactor: width_factor, depthFactor: depth_factor,
        bottleneckFactor: bottleneck_factor, classes: classes, batch: batch, implementation: .pytorchvideo)
    }
  }

  @Test("parameters, gradients and optimizer state exact; the peak within 5% of PyTorch's memory timeline")
  func pytorchFixture() throws {
    let fixture = try Fixtures.load("training_step_memory.json", as: Fixture.self)
    #expect(fixture.format == "x3d-training-step-memory" && fixture.version == 1)
    #expect(fixture.cases.count >= 4)
    var mismatches = Mismatches()
    for c in fixture.cases {
      let configuration = try c.configuration()
      let label = "T\(c.frames) S\(c.crop) w\(c.width_factor) d\(c.depth_factor) b\(c.bottleneck_factor) N\(c.batch)"
      for optimizer in TrainingOptimizer.allCases {
        let memory = try TrainingStepMemory(configuration, optimizer: optimizer)
        mismatches.expect(memory.parameterBytes, c.parameter_bytes, "\(label) parameters")
        mismatches.expect(memory.gradientBytes, c.gradient_bytes, "\(label) gradients")
        mismatches.expect(
          memory.optimizerStateBytes, c.optimizer_state_bytes[optimizer.rawValue] ?? -1, "\(label) \(optimizer) state")
      }
      let optimizer = try #require(TrainingOptimizer(rawValue: c.profiled_optimizer))
      let memory = try TrainingStepMemory(configuration, optimizer: optimizer)
      let error = Double(memory.peakBytes) / Double(c.peak_bytes) - 1
      print(
        "\(label) \(optimizer): model \(memory.peakBytes) (\(memory.peakAt)), PyTorch \(c.peak_bytes), "
          + "error \(String(format: "%+.2f%%", 100 * error))")
      #expect(abs(error) <= 0.05, "\(label): model \(memory.peakBytes), PyTorch \(c.peak_bytes)")
    }
    #expect(mismatches.isEmpty, "\(mismatches.report)\nRegenerate with: \(fixture.regenerate)")
  }

  /// Checkpointing per block and per stage (`torch.utils.checkpoint`, non-reentrant): recomputed multiply-adds
  /// exactly, the peak within 5%, and the bytes kept by the forward pass within 5% (PyTorch also keeps each
  /// segment's RNG state, 5,056 bytes on the CPU, which the model leaves out).
  @Test("checkpointing against PyTorch")
  func pytorchCheckpointing() throws {
    let fixture = try Fixtures.load("training_step_memory.json", as: Fixture.self)
    #expect(fixture.checkpoint_cases.count >= 4)
    for c in fixture.checkpoint_cases {
      let configuration = try ModelConfiguration(
        frames: c.frames, crop: c.crop, widthFactor: c.width_factor, depthFactor: c.depth_factor,
        bottleneckFactor: c.bottleneck_factor, classes: c.classes, batch: c.batch, implementation: .pytorchvideo)
      let checkpointing = try #require(Checkpointing(rawValue: c.checkpointing))
      let memory = try TrainingStepMemory(configuration, optimizer: .sgd, checkpointing: checkpointing)
      let label = "T\(c.frames) S\(c.crop) N\(c.batch) \(checkpointing)"
      #expect(memory.recomputedMACs == c.recomputed_macs, "\(label) recomputed")
      let peakError = Double(memory.peakBytes) / Double(c.peak_bytes) - 1
      // The forward's end: parameters, clip and labels, what is kept (the clip included), output, log and loss.
      let outputs = 2 * 4 * c.batch * c.classes + 4
      let labels = c.input_bytes - 4 * 3 * c.batch * c.frames * c.crop * c.crop
      let kept = memory.parameterBytes + memory.savedActivationBytes + labels + outputs
      let keptError = Double(kept) / Double(c.forward_end_bytes) - 1
      print(
        "\(label): peak model \(memory.peakBytes) PyTorch \(c.peak_bytes) (\(String(format: "%+.2f%%", 100 * peakError))); "
          + "forward end model \(kept) PyTorch \(c.forward_end_bytes) (\(String(format: "%+.2f%%", 100 * keptError)))")
      #expect(abs(peakError) <= 0.05, "\(label) peak")
      #expect(abs(keptError) <= 0.05, "\(label) forward end")
    }
  }

  @Test("saved activations are the training activation memory; the parts sum to the peak", arguments: Preset.allCases)
  func invariants(_ preset: Preset) throws {
    for implementation in ImplementationVariant.allCases {
      let configuration = try ModelConfiguration(preset: preset, batch: 2, implementation: implementation)
      let memory = try TrainingStepMemory(configuration, optimizer: .adamw)
      #expect(memory.savedActivationBytes == (try CostReport.totals(configuration))[.trainingActivationBytes])
      #expect(
        memory.peakBytes
          == memory.parameterBytes + memory.masterWeightBytes + memory.optimizerStateBytes + memory.peakGradientBytes
          + memory.peakSavedBytes + memory.peakTransientBytes)
      #expect(memory.recomputedMACs == 0)
    }
  }

  @Test(
    "a step whose bytes do not fit in 64 bits throws instead of trapping",
    arguments: [(1 << 30, 16, 224), (1 << 30, 1024, 224), (1 << 20, 16, 1 << 16)])
  func overflow(_ batch: Int, _ frames: Int, _ crop: Int) throws {
    let configuration = try ModelConfiguration(
      frames: frames, crop: crop, widthFactor: 2, depthFactor: 2.2, bottleneckFactor: 2.25, batch: batch)
    #expect(throws: ConfigurationError.self) { try TrainingStepMemory(configuration, optimizer: .adamw) }
  }

  @Test("mixed precision halves weights and gradients and adds float32 master weights")
  func mixedPrecision() throws {
    let configuration = try ModelConfiguration(preset: .xs, batch: 4)
    let full = try TrainingStepMemory(configuration, optimizer: .adam)
    let half = try TrainingStepMemory(configuration, optimizer: .adam, precision: .bf16)
    #expect(half.parameterBytes * 2 == full.parameterBytes)
    #expect(half.gradientBytes * 2 == full.gradientBytes)
    #expect(half.masterWeightBytes == full.parameterBytes)
    #expect(half.optimizerStateBytes == full.optimizerStateBytes)
    #expect(half.savedActivationBytes < full.savedActivationBytes)
    #expect(full.masterWeightBytes == 0)
    #expect(full.optimizerStateBytes > 2 * full.parameterBytes)
  }

  @Test("checkpointing saves less, recomputes the segments' forward multiply-adds, and lowers the peak")
  func checkpointing() throws {
    let configuration = try ModelConfiguration(preset: .m, batch: 2)
    let none = try TrainingStepMemory(configuration, optimizer: .sgd)
    let block = try TrainingStepMemory(configuration, optimizer: .sgd, checkpointing: .block)
    let stage = try TrainingStepMemory(configuration, optimizer: .sgd, checkpointing: .stage)
    #expect(block.savedActivationBytes < none.savedActivationBytes / 4)
    #expect(stage.savedActivationBytes < block.savedActivationBytes)
    #expect(block.peakBytes < none.peakBytes)
    // Every node of a residual stage is in a segment: recomputed = forward MACs − stem − head.
    let graph = try LayerGraph(configuration)
    let rows = try TrainingTotals.rows(graph)
    let inStages = zip(graph.nodes, rows).filter { $0.0.path.block != nil }.reduce(0) { $0 + $1.1.forwardMACs }
    #expect(block.recomputedMACs == inStages)
    #expect(stage.recomputedMACs == inStages)
    print(
      "X3D-M batch 2 sgd: none \(none.peakBytes) (\(none.peakAt)), block \(block.peakBytes) (\(block.peakAt)), stage \(stage.peakBytes) (\(stage.peakAt))"
    )
  }
}
