import ArgumentParser
import CostModel
import SweepStore
import X3DModel

/// `sweep --training-batch`'s flags: the training step whose memory `sweep` stores per configuration.
struct SweepTrainingOptions: ParsableArguments {
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Also store each configuration's training-step peak memory at this batch (training_step_bytes, dataset "
        + "SWEEP-training-bN-OPTIMIZER); opt-in: it costs about a millisecond per configuration.",
      valueName: "N"))
  var trainingBatch: Int?

  @Option(help: "With --training-batch: sgd, momentum, adam or adamw (default adamw).")
  var optimizer: String?

  @Option(help: "With --training-batch: mixed precision none, bf16 or f16 (default none).")
  var amp: String?

  @Option(help: "With --training-batch: activation checkpointing none, block or stage (default none).")
  var checkpoint: String?

  /// Whether any of these flags was given.
  var isEmpty: Bool { trainingBatch == nil && optimizer == nil && amp == nil && checkpoint == nil }

  /// The checked settings, or nil without --training-batch; every bad value is named in a one-line error.
  func settings() throws -> SweepTraining? {
    guard let trainingBatch else {
      if !isEmpty { throw UsageError("--optimizer, --amp and --checkpoint need --training-batch") }
      return nil
    }
    try FlagBounds.check(trainingBatch, "--training-batch", in: 1...ModelConfiguration.maximumExtent)
    return SweepTraining(
      batch: trainingBatch,
      optimizer: try FitRequest.choice(optimizer ?? TrainingOptimizer.adamw.rawValue, "--optimizer"),
      precision: try FitRequest.choice(amp ?? MixedPrecision.none.rawValue, "--amp"),
      checkpointing: try FitRequest.choice(checkpoint ?? Checkpointing.none.rawValue, "--checkpoint"))
  }
}

/// `sweep --training-batch`: the peak bytes of one training step (``TrainingStepMemory``, docs/training.md) of every
/// configuration of a sweep with its batch replaced by ``batch``, stored as the metric `training_step_bytes` of a
/// dataset named `SWEEP-training-bN-OPTIMIZER[-AMP][-checkpoint-C]`, so `query`, `pareto` and `plot` read it like a
/// measured column. The settings are in the dataset's name and source.
struct SweepTraining: Equatable {
  static let metric = MetricDeclaration(name: "training_step_bytes", unit: "bytes", better: .lower)

  var batch: Int
  var optimizer: TrainingOptimizer
  var precision: MixedPrecision
  var checkpointing: Checkpointing

  /// The dataset's name for `sweep`: the non-default precision and checkpointing are appended.
  func datasetName(sweep: String) -> String {
    var name = "\(sweep)-training-b\(batch)-\(optimizer.rawValue)"
    if precision != .none { name += "-\(precision.rawValue)" }
    if checkpointing != .none { name += "-checkpoint-\(checkpointing.rawValue)" }
    return name
  }

  /// The step's peak bytes of `configuration` at ``batch``.
  func peakBytes(_ configuration: ModelConfiguration) throws(ConfigurationError) -> Int {
    var trained = configuration
    trained.batch = batch
    return try TrainingStepMemory(
      trained, optimizer: optimizer, precision: precision, checkpointing: checkpointing
    ).peakBytes
  }

  /// Models and stores, in one transaction; returns the dataset's name, the number of values and the configurations
  /// whose step could not be modelled (e.g. a size past the checked integer range), with the first reason.
  func store(into results: ResultsStore, sweep: String, timestamp: String) throws -> (
    dataset: String, count: Int, failed: Int, firstFailure: String?
  ) {
    var measurements: [Measurement] = []
    var failed = 0
    var firstFailure: String?
    for stored in try results.configurations(sweep: sweep) {
      do {
        // Exact in the REAL column below 2⁵³ bytes (8 PiB); larger peaks round to the nearest double.
        let bytes = try peakBytes(stored.configuration)
        measurements.append(Measurement(configKey: stored.key, metric: Self.metric.name, value: Double(bytes)))
      } catch {
        failed += 1
        if firstFailure == nil { firstFailure = "\(stored.key): \(error)" }
      }
    }
    let name = datasetName(sweep: sweep)
    let dataset = DatasetRecord(
      name: name,
      source: "modelled by x3d-cost's TrainingStepMemory (docs/training.md)",
      description: "training step peak bytes at batch \(batch), optimizer \(optimizer.rawValue), amp "
        + "\(precision.rawValue), checkpoint \(checkpointing.rawValue)",
      importedAt: timestamp)
    let count = try results.insertMeasurements(measurements, dataset: dataset, declaring: [Self.metric])
    return (name, count, failed, firstFailure)
  }
}
