import ArgumentParser
import Foundation
import ReferenceExecutor
import X3DModel

extension ExecutorError: ReportableError {}
extension BackendKind: ExpressibleByArgument {}

extension X3DCost {
  /// `x3d-cost run`: the network on a clip, with the top-5 classes, the wall time and the achieved GMAC/s.
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Run the network on a clip and print the top-5 classes, the wall time and the achieved GMAC/s.",
      discussion: """
        The input is a float32 .npy of shape (N, 3, T, H, W) matching the model flags (random, uniform in [-1, 1), \
        when omitted). The output (N, K) is what SlowFast and pytorchvideo return in eval mode: softmax over \
        classes at each position, then the mean over positions; --logits gives the scores before the softmax, \
        averaged over positions. Weights: a .safetensors state dict with SlowFast or pytorchvideo names, or the \
        seeded initialisation of docs/executor.md.
        """)

    @OptionGroup var model: ModelOptions

    @Option(
      help: "A .safetensors state dict (SlowFast or pytorchvideo names); default: seeded weights.")
    var weights: String?

    @Option(help: "Seed of the weights and of the random clip.")
    var seed: UInt64 = 0

    @Option(help: "Input clip: float32 .npy of shape (N, 3, T, H, W).")
    var input: String?

    @Option(help: "Write the output, a float32 .npy of shape (N, K).")
    var output: String?

    @Flag(help: "Output the class scores before the softmax, averaged over positions.")
    var logits = false

    @Option(parsing: .unconditional, help: "Threads for the fast backend (at most 1024).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "reference (plain loops) or fast (SIMD, all threads).")
    var backend: BackendKind = .fast

    @Option(parsing: .unconditional, help: "Untimed runs before the timed ones (at most 1000).")
    var warmup = 0

    @Option(parsing: .unconditional, help: "Timed runs; the fastest is reported (at most 1000).")
    var repeats = 1

    @Flag(
      help:
        "Time by kind of layer: GFLOP/s of 1×1×1 and depthwise 3×3×3 convolutions, and the rest.")
    var profile = false

    func validate() throws {
      try FlagBounds.check(threads, "--threads", in: 1...FlagBounds.maximumThreads)
      try FlagBounds.check(repeats, "--repeats", in: 1...FlagBounds.maximumRepeats)
      try FlagBounds.check(warmup, "--warmup", in: 0...FlagBounds.maximumRepeats)
      try ExecutorSetup.refuseOverwriting(output, inputs: [("--weights", weights), ("--input", input)])
    }

    func run() throws {
      let configuration = try model.resolve()
      let graph = try LayerGraph(configuration)
      let weights = try ExecutorSetup.weights(graph, file: weights, seed: seed)
      let clip = try ExecutorSetup.clip(graph, file: input, seed: seed)
      if let bad = clip.firstNonFinite() {
        ExecutorSetup.warn(
          "\(bad.value) in the input at (\(bad.coordinates.map(String.init).joined(separator: ", ")))"
        )
      }
      let executor = Executor(
        graph: graph, weights: weights, backend: backend.make(threads: threads))
      for _ in 0..<warmup { _ = try executor.run(clip, checkFinite: false) }
      var best: Executor.Execution? = nil
      var bestSeconds = Double.infinity
      for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        let execution = try executor.run(clip, checkFinite: false)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if seconds < bestSeconds { (best, bestSeconds) = (execution, seconds) }
      }
      guard let execution = best else { return }
      let result = logits ? execution.logits ?? execution.output : execution.output
      if let output {
        try NumPyArray.write(
          shape: result.shape.dimensions, scalars: result.scalars, to: URL(fileURLWithPath: output))
      }

      print(
        ExecutorSetup.summary(configuration, weights: weights, backend: backend, threads: threads))
      print(Self.topFive(result, label: logits ? "logit" : "probability"), terminator: "")
      let macs = execution.tally.macs
      print(
        "time: \(Quantity.fixed(bestSeconds * 1000, decimals: 2)) ms (best of \(repeats), \(warmup) warm-up)  "
          + "multiply-adds: \(Quantity.grouped(macs))  "
          + "\(Quantity.fixed(Double(macs) / bestSeconds / 1e9, decimals: 2)) GMAC/s")
      if profile {
        print(RunProfile(graph: graph, tally: execution.tally).render(), terminator: "")
      }
      print(
        "peak resident memory: \(ExecutorSetup.peakResidentBytes().map(Quantity.bytes) ?? "unknown")"
      )

      if result.firstNonFinite() != nil {
        let located = try executor.run(clip, checkFinite: true)
        if let report = located.firstNonFinite, report.node != "input" { ExecutorSetup.warn(report.description) }
        throw UsageError("the output holds NaN or infinite values (see the warning above)")
      }
    }

    /// The five highest scores of each sample.
    static func topFive(_ scores: Tensor, label: String) -> String {
      let classes = scores.shape.channels
      var text = ""
      for n in 0..<scores.shape.batch {
        let row = Array(scores.scalars[(n * classes)..<((n + 1) * classes)])
        let ranked = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
          .prefix(5)
        text += "sample \(n) top-5 (class: \(label)): "
        text +=
          ranked.map { "\($0): \(String(format: "%.6g", Double(row[$0])))" }.joined(separator: ", ")
          + "\n"
      }
      return text
    }
  }
}

/// Loading weights and clips, shared by `run` and `verify`.
enum ExecutorSetup {
  static func weights(_ graph: LayerGraph, file: String?, seed: UInt64) throws -> ModelWeights {
    guard let file else { return ModelWeights.seeded(graph, seed: seed) }
    guard FileManager.default.fileExists(atPath: file) else {
      throw ExecutorError.file(path: file, reason: "no such weights file")
    }
    return try ModelWeights.load(graph, from: URL(fileURLWithPath: file))
  }

  /// Refuses a run whose tensors (``ExecutionFootprint``) exceed the machine's physical memory, saying how much it
  /// would need, before anything is allocated.
  static func checkMemory(_ graph: LayerGraph) throws {
    let footprint = try ExecutionFootprint(graph)
    let physical = availableMemory()
    guard UInt64(footprint.totalBytes) > physical else { return }
    throw UsageError(
      "--batch \(graph.input.outputShape.batch) (input \(graph.input.outputShape)): the run would need at least "
        + "\(Quantity.bytes(footprint.totalBytes)) (\(Quantity.bytes(footprint.peakActivationBytes)) of activations "
        + "at the peak, the \(Quantity.bytes(footprint.clipBytes)) clip included, and "
        + "\(Quantity.bytes(footprint.weightBytes)) of weights); this machine has "
        + "\(Quantity.bytes(Int(clamping: physical))) of memory. Use a smaller --batch, --frames or --crop")
  }

  /// Physical memory, or the cgroup's limit (`/sys/fs/cgroup/memory.max`, Linux) when that is lower.
  static func availableMemory() -> UInt64 {
    let physical = ProcessInfo.processInfo.physicalMemory
    guard let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
      let limit = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines))
    else { return physical }
    return min(physical, limit)
  }

  /// Refuses `--output` when it names the same file as one of `inputs` (by device and inode, so another spelling,
  /// a symbolic link or a hard link is caught too): writing it would destroy the input before it was read.
  static func refuseOverwriting(_ output: String?, inputs: [(flag: String, path: String?)]) throws {
    guard let output, let target = fileIdentity(output) else { return }
    for (flag, path) in inputs {
      guard let path, fileIdentity(path) == target else { continue }
      throw UsageError("--output \(output) is the same file as \(flag) \(path); write the output elsewhere")
    }
  }

  /// Device and inode of the file at `path` (symbolic links followed), nil when there is none.
  private static func fileIdentity(_ path: String) -> [UInt64]? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    return [UInt64(status.st_dev), UInt64(status.st_ino)]
  }

  /// The clip from `file`, or a random one: ``SplitMix64`` seeded with `seed + 1`, uniform in [−1, 1).
  /// A clip is only made once ``checkMemory(_:)`` finds the whole run fits.
  static func clip(_ graph: LayerGraph, file: String?, seed: UInt64) throws -> Tensor {
    try checkMemory(graph)
    let shape = graph.input.outputShape
    if let file {
      guard FileManager.default.fileExists(atPath: file) else {
        throw ExecutorError.file(path: file, reason: "no such input file")
      }
      return try NumPyArray.readTensor(URL(fileURLWithPath: file), expected: shape)
    }
    return try Tensor.uniform(shape, seed: seed &+ 1)
  }

  static func summary(
    _ c: ModelConfiguration, weights: ModelWeights, backend: BackendKind, threads: Int
  ) -> String {
    let source = weights.naming.map { "file (\($0.rawValue) names)" } ?? "seeded"
    return "model: T \(c.frames), crop \(c.crop)\(c.testCrop.map { " (run at \($0))" } ?? ""), "
      + "width \(Quantity.factor(c.widthFactor)), depth \(Quantity.factor(c.depthFactor)), "
      + "bottleneck \(Quantity.factor(c.bottleneckFactor)), \(c.classes) classes, batch \(c.batch), "
      + "impl \(c.implementation.rawValue); weights: \(source); backend: \(backend.rawValue)"
      + (backend == .fast ? " (\(threads) threads, \(KernelInstructionSet.selected.rawValue) kernels)" : "")
  }

  static func warn(_ message: String) {
    FileHandle.standardError.write(Data(("warning: " + message + "\n").utf8))
  }

  /// `VmHWM` of `/proc/self/status` (Linux), in bytes.
  static func peakResidentBytes() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return nil }
    let digits = line.filter(\.isNumber)
    return Int(digits).map { $0 * 1024 }
  }
}

/// Time and multiply-adds by kind of layer.
struct RunProfile {
  let graph: LayerGraph
  let tally: ExecutionTally

  func render() -> String {
    var groups: [String: (nanoseconds: UInt64, macs: Int, count: Int)] = [:]
    var order: [String] = []
    for (node, row) in zip(graph.nodes, tally.nodes) {
      let group: String
      switch node.kind {
      case .convolution(let conv) where conv.kernel == .one && conv.groups == 1:
        group =
          node.outputShape.positions == 1 ? "conv 1×1×1 at one position (SE, head)" : "conv 1×1×1"
      case .convolution(let conv)
      where conv.groups == conv.inChannels && conv.kernel == Triple(3, 3, 3):
        group = "conv depthwise 3×3×3"
      case .convolution: group = "conv stem"
      case .linear: group = "linear"
      case .input, .batchNorm, .relu, .swish, .sigmoid, .globalAveragePool, .channelScale,
        .residualAdd, .averagePool,
        .softmax, .positionMean:
        group = node.kind.name
      }
      if groups[group] == nil { order.append(group) }
      var entry = groups[group] ?? (0, 0, 0)
      entry.nanoseconds += row.nanoseconds
      entry.macs += row.macs
      entry.count += 1
      groups[group] = entry
    }
    var table = TextTable([
      ("kind", .left), ("nodes", .right), ("time ms", .right), ("multiply-adds", .right),
      ("GFLOP/s (2/MAC)", .right),
    ])
    for group in order {
      let entry = groups[group]!
      let seconds = Double(entry.nanoseconds) / 1e9
      table.append([
        group, String(entry.count), Quantity.fixed(seconds * 1000, decimals: 2),
        Quantity.grouped(entry.macs),
        entry.macs == 0 ? "–" : Quantity.fixed(2 * Double(entry.macs) / seconds / 1e9, decimals: 2),
      ])
    }
    return table.aligned()
  }
}
