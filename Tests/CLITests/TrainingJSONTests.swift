import CostModel
import Foundation
import TestSupport
import Testing
import X3DModel

/// `totals.training` of `x3d-cost --format json` (docs/json.md), parsed from the built tool's output and compared
/// with values computed without it: the PyTorch-checked X3D-M numbers of docs/training.md, ``TrainingTotals`` (a
/// walk of every block of its own) and ``TrainingStepMemory``.
struct TrainingJSONTests {
  func json(_ arguments: [String]) throws -> (
    totals: [String: Any], training: [String: Any], configuration: ModelConfiguration
  ) {
    let result = try CommandRunner.run(arguments + ["--format", "json"])
    #expect(result.status == 0, "\(result.standardError)")
    let object = try #require(JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    let totals = try #require(object["totals"] as? [String: Any])
    // The configuration the command resolved, as its `config` says.
    let c = try #require(object["config"] as? [String: Any])
    func int(_ key: String) throws -> Int { try #require(c[key] as? Int, "\(key)") }
    func double(_ key: String) throws -> Double { try #require((c[key] as? NSNumber)?.doubleValue, "\(key)") }
    let crop = try int("crop")
    let impl = try #require(c["impl"] as? String)
    let implementation = try #require(ImplementationVariant(rawValue: impl))
    let configuration = try ModelConfiguration(
      frames: try int("frames"), crop: crop, testCrop: try int("test_crop") == crop ? nil : try int("test_crop"),
      widthFactor: try double("width_factor"), depthFactor: try double("depth_factor"),
      bottleneckFactor: try double("bottleneck_factor"), classes: try int("classes"), batch: try int("batch"),
      implementation: implementation)
    return (totals, try #require(totals["training"] as? [String: Any]), configuration)
  }

  @Test func x3dMediumStep() throws {
    let (totals, training, _) = try json(["--preset", "m"])
    #expect(training["forward_macs"] as? Int == 4_732_468_736)
    #expect(training["input_gradient_macs"] as? Int == 4_602_412_544)
    #expect(training["weight_gradient_macs"] as? Int == 4_732_468_736)
    #expect(training["macs"] as? Int == 14_067_350_016)
    #expect(training["flops"] as? Int == 30_137_291_172)
    #expect(training["step_memory"] == nil, "no training options, no step memory")
    // The flat keys stay, with the same values.
    #expect(totals["training_macs"] as? Int == 14_067_350_016)
    #expect(totals["training_flops"] as? Int == 30_137_291_172)
    #expect(totals["training_input_gradient_macs"] as? Int == 4_602_412_544)
  }

  @Test(arguments: [
    (
      ["--preset", "xs", "--batch", "3", "--impl", "pytorchvideo", "--optimizer", "adam"], TrainingOptimizer.adam,
      MixedPrecision.none, Checkpointing.none
    ),
    (
      ["--preset", "s", "--impl", "slowfast", "--amp", "bf16", "--checkpoint", "block", "--frames", "5"], .adamw,
      .bf16, .block
    ),
    (
      [
        "--width-factor", "1.3", "--depth-factor", "1.7", "--crop", "96", "--optimizer", "momentum", "--amp", "f16",
        "--checkpoint", "stage", "--batch", "2",
      ], .momentum, .f16, .stage
    ),
  ])
  func stepMemoryAndCounts(
    _ arguments: [String], _ optimizer: TrainingOptimizer, _ precision: MixedPrecision, _ checkpointing: Checkpointing
  ) throws {
    let (_, training, configuration) = try json(arguments)
    // The same configuration, resolved the way the command does, without the training options.
    var modelArguments: [String] = []
    for index in stride(from: 0, to: arguments.count, by: 2)
    where !["--optimizer", "--amp", "--checkpoint"].contains(arguments[index]) {
      modelArguments += arguments[index...index + 1]
    }
    let resolved = try #require(
      try json(modelArguments).totals["training_macs"] as? Int, "the model alone has the same training MACs")
    #expect(training["macs"] as? Int == resolved)
    let expected = try TrainingTotals(configuration).cost
    #expect(training["forward_macs"] as? Int == expected.forwardMACs)
    #expect(training["input_gradient_macs"] as? Int == expected.inputGradientMACs)
    #expect(training["weight_gradient_macs"] as? Int == expected.weightGradientMACs)
    #expect(training["macs"] as? Int == expected.macs)
    #expect(training["flops"] as? Int == expected.flops)

    let step = try #require(training["step_memory"] as? [String: Any])
    let memory = try TrainingStepMemory(
      configuration, optimizer: optimizer, precision: precision, checkpointing: checkpointing)
    #expect(step["optimizer"] as? String == optimizer.rawValue)
    #expect(step["amp"] as? String == precision.rawValue)
    #expect(step["checkpoint"] as? String == checkpointing.rawValue)
    #expect(step["element_bytes"] as? Int == precision.elementType.byteCount)
    #expect(step["parameter_bytes"] as? Int == memory.parameterBytes)
    #expect(step["master_weight_bytes"] as? Int == memory.masterWeightBytes)
    #expect(step["optimizer_state_bytes"] as? Int == memory.optimizerStateBytes)
    #expect(step["gradient_bytes"] as? Int == memory.gradientBytes)
    #expect(step["saved_activation_bytes"] as? Int == memory.savedActivationBytes)
    #expect(step["recomputed_macs"] as? Int == memory.recomputedMACs)
    #expect(step["peak_bytes"] as? Int == memory.peakBytes)
    #expect(step["peak_gradient_bytes"] as? Int == memory.peakGradientBytes)
    #expect(step["peak_saved_bytes"] as? Int == memory.peakSavedBytes)
    #expect(step["peak_transient_bytes"] as? Int == memory.peakTransientBytes)
    #expect(step["peak_at"] as? String == memory.peakAt)
    // Plain sums: parameters and gradients are P·e; master weights 4·P under mixed precision.
    let parameters = try CostReport.totals(configuration)[.params]
    #expect(memory.parameterBytes == parameters * precision.elementType.byteCount)
    #expect(memory.masterWeightBytes == (precision == .none ? 0 : 4 * parameters))
    #expect(memory.peakBytes > memory.parameterBytes + memory.masterWeightBytes + memory.optimizerStateBytes)
  }

  @Test func csvHasTheStepMemoryAsColumns() throws {
    let result = try CommandRunner.run(["--preset", "xs", "--optimizer", "sgd", "--format", "csv"])
    #expect(result.status == 0, "\(result.standardError)")
    let header = result.standardOutput.components(separatedBy: "\r\n")[0].components(separatedBy: ",")
    #expect(header.contains("training_step_peak_bytes") && header.contains("training_flops"))
    #expect(!header.contains("training"))
  }

  @Test(arguments: [
    (["--optimizer", "rmsprop"], "rmsprop"), (["--amp", "fp8"], "fp8"), (["--checkpoint", "layer"], "layer"),
  ])
  func badTrainingOptionsExitTwo(_ arguments: [String], _ named: String) throws {
    let result = try CommandRunner.run(["--preset", "xs"] + arguments)
    #expect(result.status == 2, "\(result.standardError)")
    #expect(result.standardError.contains(named) && result.standardOutput.isEmpty)
  }
}
