import ArgumentParser
import Dispatch
import Foundation
import LatencyModel
import ReferenceExecutor
import SweepStore
import X3DModel

extension X3DCost {
  /// `x3d-cost measure --sweep NAME`: times the executor on every configuration of a sweep and stores the latency.
  struct Measure: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Time the executor on every configuration of a sweep; store latency_ms (median) as measurements.",
      discussion: """
        Each configuration runs --warmup times unmeasured, then --repeats times, in each of --rounds rounds (every \
        round visits the configurations in a fresh seeded order, so a busy spell of a shared machine spreads over \
        all of them); the median time of a forward pass (seeded weights, a random clip) over all rounds is stored \
        as latency_ms, the fastest and slowest as latency_min_ms and latency_max_ms, in the dataset (default: \
        SWEEP-executor), whose description names the machine, backend and threads. A configuration is stored when \
        its last round ends; those the dataset already has are skipped, so an interrupted run resumes.
        """)

    @Option(help: "The sweep whose configurations to time.")
    var sweep: String

    @Option(help: "Dataset to store the latencies in (default: SWEEP-executor).")
    var dataset: String?

    @Option(help: "Timed runs per configuration (the median is stored).")
    var repeats = 5

    @Option(help: "Unmeasured runs before timing.")
    var warmup = 1

    @Option(help: "Visit every configuration this many times, in a fresh order each round.")
    var rounds = 1

    @Option(help: "Threads for the fast backend.")
    var threads = 1

    @Option(help: "reference (plain loops) or fast (SIMD).")
    var backend: BackendKind = .fast

    @Option(help: "Seed of the weights and of the random clip.")
    var seed: UInt64 = 0

    @Option(
      help:
        "wall (elapsed time) or cpu (the timing thread's CPU time; one thread only: a loaded machine's steadier proxy)."
    )
    var clock: LatencyClock = .wall

    @OptionGroup var store: StoreOptions

    func validate() throws {
      guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, not \(repeats)") }
      guard warmup >= 0 else { throw ValidationError("--warmup must be at least 0, not \(warmup)") }
      guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1, not \(rounds)") }
      guard threads >= 1 else { throw ValidationError("--threads must be at least 1, not \(threads)") }
      guard clock == .wall || threads == 1 else {
        throw ValidationError("--clock cpu times the calling thread only: use it with --threads 1")
      }
    }

    static let declared = [
      MetricDeclaration(name: "latency_min_ms", unit: "ms", better: .lower),
      MetricDeclaration(name: "latency_max_ms", unit: "ms", better: .lower),
    ]

    func run() throws {
      Interruption.install()
      let results = try store.open(.readWrite)
      let configurations = try results.configurations(sweep: sweep)
      let name = dataset ?? "\(sweep)-executor"
      let done = try results.measuredKeys(dataset: name, metric: "latency_ms")
      let pending = configurations.filter { !done.contains($0.key) }
      let record = DatasetRecord(
        name: name,
        source:
          "x3d-cost measure: executor, \(backend.rawValue) backend, \(threads) thread\(threads == 1 ? "" : "s"), "
          + "median of \(repeats * rounds) after \(warmup) warm-up"
          + (rounds > 1 ? " in \(rounds) interleaved rounds" : "") + ", \(clock.rawValue) clock",
        description: HostProbe.machineDescription(), importedAt: StoreOptions.timestamp())
      var bar = ProgressBar()
      var spreads: [Double] = []
      var times = [[Double]](repeating: [], count: pending.count)
      var order = SplitMix64(seed: seed)
      var visits = 0
      rounds: for round in 0..<rounds {
        for index in Array(pending.indices).shuffled(using: &order) {
          if Interruption.requested { break rounds }
          times[index] += try time(pending[index].configuration)
          visits += 1
          bar.update(
            done: done.count * rounds + visits, total: configurations.count * rounds, doneThisRun: visits)
          guard round == rounds - 1 else { continue }
          let all = times[index].sorted()
          let median = (all[(all.count - 1) / 2] + all[all.count / 2]) / 2
          spreads.append((all.last! - all.first!) / median)
          try results.insertMeasurements(
            [
              Measurement(configKey: pending[index].key, metric: "latency_ms", value: median),
              Measurement(configKey: pending[index].key, metric: "latency_min_ms", value: all.first!),
              Measurement(configKey: pending[index].key, metric: "latency_max_ms", value: all.last!),
            ], dataset: record, declaring: Self.declared)
        }
      }
      bar.finish()
      let spread = spreads.isEmpty ? "" : ", median spread (max − min)/median \(Self.percent(spreads))"
      print(
        "dataset '\(name)': \(spreads.count) configurations measured, \(done.count) already there, "
          + "\(pending.count - spreads.count) left\(spread)")
      if Interruption.requested {
        print("interrupted: every finished configuration is stored; run the same command again to resume")
        Foundation.exit(130)
      }
    }

    /// Milliseconds (on `clock`) of `repeats` forward passes after `warmup` unmeasured ones.
    private func time(_ configuration: ModelConfiguration) throws -> [Double] {
      let graph = try LayerGraph(configuration)
      let executor = Executor(
        graph: graph, weights: .seeded(graph, seed: seed), backend: backend.make(threads: threads))
      let clip = try ExecutorSetup.clip(graph, file: nil, seed: seed)
      for _ in 0..<warmup { _ = try executor.run(clip, checkFinite: false) }
      return try (0..<repeats).map { _ in
        let start = clock.nanoseconds()
        _ = try executor.run(clip, checkFinite: false)
        return Double(clock.nanoseconds() - start) * 1e-6
      }
    }

    static func percent(_ values: [Double]) -> String {
      Quantity.fixed(100 * values.sorted()[values.count / 2], decimals: 1) + "%"
    }
  }
}

/// What `measure` times a forward pass with.
enum LatencyClock: String, ExpressibleByArgument, CaseIterable {
  /// Elapsed time (`DispatchTime`).
  case wall
  /// CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`; one thread runs the kernels with `--threads 1`):
  /// time it was not running (other programs on a shared machine) does not count.
  case cpu

  func nanoseconds() -> UInt64 {
    switch self {
    case .wall: return DispatchTime.now().uptimeNanoseconds
    case .cpu:
      var time = timespec()
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
      return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
  }
}
