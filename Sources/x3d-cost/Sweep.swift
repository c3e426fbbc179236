import ArgumentParser
import CostModel
import Foundation
import LatencyModel
import SweepStore
import X3DModel

extension X3DCost {
  /// `x3d-cost sweep`: evaluates the Cartesian product of flag values into the results database.
  struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Evaluate every combination of the given flag values and store the totals in the database.",
      discussion: """
        Every model flag takes a list (1,2,4) or an inclusive range start:stop:step (160:224:16). Running the \
        same sweep again resumes it; Ctrl-C commits the current batch and stops. --standard regenerates the \
        committed results.db content (presets, published accuracies, the standard sweep) deterministically.
        """)

    /// Sweeps larger than this need --yes.
    static let confirmationThreshold = 10_000_000

    @Option(help: "Name of the sweep (unique in the database; the same name and flags resume it).")
    var name: String?

    @OptionGroup var model: SweepOptions
    @OptionGroup var store: StoreOptions

    @Option(help: "Element type for the memory columns: f32, f16 or bf16.")
    var dtype: ElementType = .f32

    @Flag(help: "Also store one row per node of every configuration (table layers).")
    var perLayer = false

    @Flag(help: "Run a sweep of more than 10 million configurations.")
    var yes = false

    @Flag(
      help:
        "Write the presets, the published accuracies and the standard sweep, with fixed timestamps."
    )
    var standard = false

    @Option(
      help: "Multi-view test protocol CLIPSxCROPS (10x3): stored with the sweep; costs per video = per view × views.")
    var views: String?

    @Option(parsing: .unconditional, help: "Configurations per transaction (at most 1,000,000).")
    var batchSize = 50_000

    @Option(
      parsing: .unconditional,
      help:
        "Threads evaluating configurations, counting the writing thread, which evaluates when it has nothing to write (at most 1024)."
    )
    var jobs = ProcessInfo.processInfo.activeProcessorCount

    @Option(
      help: ArgumentHelp(
        "Also store each configuration's predicted latency (predicted_ms, dataset SWEEP-predicted-PROFILE).",
        valueName: "NAME|FILE"))
    var hardware: String?

    @OptionGroup var training: SweepTrainingOptions

    func validate() throws {
      if standard {
        guard name == nil, model.isEmpty, !perLayer, hardware == nil, training.isEmpty else {
          throw UsageError("--standard takes no --name, model flags, --per-layer, --hardware or --training-batch")
        }
      } else if name == nil {
        throw UsageError("give the sweep a --name (or use --standard)")
      }
      try FlagBounds.check(batchSize, "--batch-size", in: 1...FlagBounds.maximumBatchSize)
      try FlagBounds.check(jobs, "--jobs", in: 1...FlagBounds.maximumThreads)
      if let views, TestViews(views) == nil {
        throw UsageError("--views '\(views)' is not CLIPSxCROPS with each from 1 to 1000 (e.g. 10x3)")
      }
      if standard && views != nil { throw UsageError("--standard takes no --views") }
      _ = try training.settings()
    }

    func run() throws {
      Interruption.install()
      let evaluator = Self.evaluator(dtype)
      if standard {
        let results = try store.open(.readWrite)
        for outcome in try StandardResults.regenerate(
          into: results, evaluator: evaluator, toolVersion: ToolVersion.current)
        {
          print(Self.summary(outcome, seconds: nil))
        }
        print("database: \(store.db)")
        return
      }
      let profile = try hardware.map { try HardwareProfile.load($0) }
      if let profile { _ = try Roofline(profile, elementType: dtype) }
      let trainingStep = try training.settings()
      let plan = try model.plan(elementType: dtype, perLayer: perLayer)
      guard let count = plan.count else {
        throw UsageError(
          "the sweep has more than \(Quantity.grouped(Int.max)) configurations; refusing")
      }
      if count > Self.confirmationThreshold && !yes {
        throw UsageError(
          "the sweep has \(Quantity.grouped(count)) configurations, more than "
            + "\(Quantity.grouped(Self.confirmationThreshold)); add --yes to run it")
      }
      let results = try store.open(.readWrite)
      let record = SweepRecord(
        name: name ?? "", createdAt: StoreOptions.timestamp(), toolVersion: ToolVersion.current,
        plan: plan,
        commandLine: StoreOptions.commandLine)
      var runner = SweepRunner(plan: plan, evaluator: evaluator)
      runner.batchSize = batchSize
      runner.lanes = jobs
      var bar = ProgressBar()
      let started = Date()
      let outcome = try runner.run(
        into: results, record: record, now: { StoreOptions.timestamp() },
        progress: {
          bar.update(done: $0.processed, total: $0.planned, doneThisRun: $0.processedThisRun)
        },
        shouldStop: { Interruption.requested })
      bar.finish()
      if let views = views.flatMap(TestViews.init) { try results.setViews(views, sweep: outcome.state.name) }
      print(Self.summary(outcome, seconds: Date().timeIntervalSince(started)))
      if let profile, !outcome.interrupted {
        let stored = try SweepPrediction.store(
          into: results, sweep: outcome.state.name, profile: profile, elementType: dtype,
          timestamp: StoreOptions.timestamp())
        print("  predicted_ms of \(Quantity.grouped(stored.count)) configurations in dataset '\(stored.dataset)'")
      }
      if let trainingStep, !outcome.interrupted {
        let stored = try trainingStep.store(
          into: results, sweep: outcome.state.name, timestamp: StoreOptions.timestamp())
        print(
          "  training_step_bytes of \(Quantity.grouped(stored.count)) configurations in dataset '\(stored.dataset)'")
        if let first = stored.firstFailure {
          print(
            "  \(Quantity.grouped(stored.failed)) configurations' training step could not be modelled; first: \(first)")
        }
      }
      if outcome.interrupted {
        print(
          "interrupted: everything evaluated so far is committed; run the same command again to resume"
        )
        // 128 + SIGINT, as shells report an interrupted command (the root command maps thrown errors
        // to 2); exit flushes standard output.
        Foundation.exit(130)
      }
    }

    /// Per-layer sweeps build the full report; totals sweeps use one memoising `TotalsEvaluator` per thread
    /// (exactly `CostReport.totals`, errors included). The depth flags vary fastest in a plan, so the configurations
    /// that share blocks arrive together and a small memo (1,024 entries) catches them at a fraction of the default's
    /// memory.
    static func evaluator(_ dtype: ElementType) -> SweepEvaluator {
      .perThread {
        var totals = TotalsEvaluator(elementType: dtype, capacity: 1 << 10)
        return { (configuration, perLayer) throws(ConfigurationError) in
          if perLayer {
            let report = try CostReport(configuration, elementType: dtype, perLayer: true)
            return (report.totals, report.layers)
          }
          return (try totals.totals(configuration), [])
        }
      }
    }

    static func summary(_ outcome: SweepOutcome, seconds: Double?) -> String {
      let state = outcome.state
      var lines: [String] = []
      var head = "sweep '\(state.name)': \(Quantity.grouped(state.planned)) configurations planned"
      if outcome.processed == 0 && state.isComplete {
        head += "; already complete, nothing to do"
      } else {
        if outcome.startIndex > 0 { head += ", resumed at \(Quantity.grouped(outcome.startIndex))" }
        head += "; \(Quantity.grouped(outcome.processed)) evaluated"
        if let seconds, seconds > 0 {
          head +=
            " in \(Quantity.fixed(seconds, decimals: 2)) s (\(Quantity.grouped(Int(Double(outcome.processed) / seconds)))/s, "
            + "\(Quantity.fixed(outcome.writeSeconds, decimals: 2)) s writing)"
        }
        head +=
          ", \(Quantity.grouped(outcome.inserted)) stored, \(Quantity.grouped(outcome.duplicates)) duplicates"
      }
      lines.append(head)
      lines.append("  \(Quantity.grouped(state.stored)) configurations in the sweep")
      if outcome.failed > 0 {
        lines.append(
          "  \(Quantity.grouped(outcome.failed)) configurations could not be evaluated; first reasons:"
        )
        lines += outcome.failureReasons.map { "    " + $0 }
      } else if state.failed > 0, let first = state.firstFailure {
        lines.append(
          "  \(Quantity.grouped(state.failed)) configurations failed in earlier runs; first: \(first)"
        )
      }
      return lines.joined(separator: "\n")
    }
  }
}
