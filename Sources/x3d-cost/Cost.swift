import ArgumentParser
import CostModel
import Foundation
import LatencyModel
import SweepStore
import X3DModel

extension X3DCost {
  /// `x3d-cost [cost]`: the resolved model and its exact costs.
  struct Cost: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the resolved model and its exact costs (the default command).")

    @OptionGroup var model: ModelOptions

    @Option(help: "Element type for the memory figures: f32, f16 or bf16.")
    var dtype: ElementType = .f32

    @Option(help: "Headline figure: paper (conv+linear MACs), fvcore (MACs + 2·BN elements) or flops (full FLOPs).")
    var convention: Convention = .paper

    @Option(help: "table, json, csv (tidy: JSON keys as columns, plain numbers) or markdown.")
    var format: OutputFormat = .table

    @Option(help: "Multi-view testing CLIPSxCROPS (10x3): the cost per view and per video (× clips × crops).")
    var views: String?

    @Flag(help: "One row per node, with SlowFast path names.")
    var perLayer = false

    @Flag(help: "One row per stage: stem, res2…res5, head.")
    var perStage = false

    @Option(
      help: ArgumentHelp(
        "Predict latency per node on a machine: a built-in (a100, h100, h200, l4, t4, host) or a profile JSON file.",
        valueName: "NAME|FILE"))
    var hardware: String?

    @Option(
      help: "The memory of one training step (docs/training.md) with this optimizer: sgd, momentum, adam or adamw.")
    var optimizer: String?

    @Option(help: "The training step's mixed precision: none, bf16 or f16 (with the step's memory).")
    var amp: String?

    @Option(help: "The training step's activation checkpointing: none, block or stage (with the step's memory).")
    var checkpoint: String?

    /// The step's memory when any of `--optimizer`, `--amp`, `--checkpoint` is given (defaults adamw, none, none).
    func trainingStep(_ configuration: ModelConfiguration) throws -> TrainingStepMemory? {
      guard optimizer != nil || amp != nil || checkpoint != nil else { return nil }
      let chosen: TrainingOptimizer = try FitRequest.choice(optimizer ?? "adamw", "--optimizer")
      let precision: MixedPrecision = try FitRequest.choice(amp ?? "none", "--amp")
      let checkpointing: Checkpointing = try FitRequest.choice(checkpoint ?? "none", "--checkpoint")
      return try TrainingStepMemory(
        configuration, optimizer: chosen, precision: precision, checkpointing: checkpointing)
    }

    func validate() throws {
      if let views, TestViews(views) == nil {
        throw UsageError("--views '\(views)' is not CLIPSxCROPS with each from 1 to 1000 (e.g. 10x3)")
      }
    }

    func run() throws {
      let configuration = try model.resolve()
      let trainingStep = try trainingStep(configuration)
      let report = try CostReport(
        configuration, elementType: dtype, perLayer: perLayer || perStage || hardware != nil)
      var view = CostView(
        report: report, preset: model.preset, convention: convention, perLayer: perLayer, perStage: perStage,
        views: views.flatMap(TestViews.init))
      view.trainingStep = trainingStep
      if let hardware {
        view.latency = try LatencyColumns(report: report, profile: try HardwareProfile.load(hardware))
      }
      print(try view.render(format), terminator: "")
      if format == .csv && (perLayer || perStage) {
        FileHandle.standardError.write(
          Data(
            ("note: the CSV holds one row per \(perLayer ? "node" : "stage"); macs, params and activations are its "
              + "column sums, and the totals with memory are in the CSV without --per-layer/--per-stage\n").utf8))
      }
    }
  }
}
