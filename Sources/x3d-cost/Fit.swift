import ArgumentParser
import CostModel
import Foundation
import X3DModel

extension X3DCost {
  /// `x3d-cost fit`: the largest batch, frame count or crop whose training step fits in a memory budget.
  struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Find the largest batch, frames or crop whose training step fits in a GPU's memory.",
      discussion: """
        The training step's bytes are the model of docs/training.md: parameters, float32 master weights under \
        mixed precision, optimizer state, gradients, saved activations and the transient buffers of the backward \
        pass, at their peak. A value fits when that peak plus --reserve is at most --memory. Sizes take B, KB, MB, \
        GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024).
        """)

    @OptionGroup var model: ModelOptions

    @Option(help: "The device's memory, e.g. 24GiB or 40GB.")
    var memory: String

    @Option(help: "Memory kept free for the framework (CUDA context, allocator caches), e.g. 1.5GiB.")
    var reserve: String = "0"

    @Option(help: "sgd, momentum, adam or adamw.")
    var optimizer: String = "adamw"

    @Option(help: "Mixed precision: none, bf16 or f16 (16-bit weights, gradients and activations; f32 master weights).")
    var amp: String = "none"

    @Option(help: "Activation checkpointing: none, block or stage.")
    var checkpoint: String = "none"

    @Option(help: "What to grow: batch, frames or crop.")
    var vary: String = "batch"

    func run() throws {
      let request = try FitRequest(
        memory: memory, reserve: reserve, optimizer: optimizer, amp: amp, checkpoint: checkpoint, vary: vary)
      let base = try model.resolve()
      let result = try request.search(base)
      print(FitView(request: request, result: result).render(), terminator: "")
    }
  }
}

/// What to vary in `fit`.
enum FitAxis: String, CaseIterable {
  case batch, frames, crop

  /// The smallest value tried: batch 1, one frame, a 32-pixel crop (X3D's total stride).
  var minimum: Int { self == .crop ? 32 : 1 }

  func apply(_ value: Int, to base: ModelConfiguration) -> ModelConfiguration {
    var configuration = base
    switch self {
    case .batch: configuration.batch = value
    case .frames: configuration.frames = value
    case .crop:
      configuration.crop = value
      configuration.testCrop = nil
    }
    return configuration
  }
}

/// `fit`'s options, checked: every bad value is named in a one-line error.
struct FitRequest {
  var budget: Int
  var reserve: Int
  var optimizer: TrainingOptimizer
  var precision: MixedPrecision
  var checkpointing: Checkpointing
  var axis: FitAxis

  init(memory: String, reserve: String, optimizer: String, amp: String, checkpoint: String, vary: String) throws {
    guard let budget = ByteSize.parse(memory), budget > 0 else {
      throw UsageError("invalid value for --memory: \(memory) (a size above zero, e.g. 24GiB)")
    }
    guard let reserved = ByteSize.parse(reserve) else {
      throw UsageError("invalid value for --reserve: \(reserve) (a size, e.g. 1.5GiB)")
    }
    guard reserved < budget else {
      throw UsageError("invalid value for --reserve: \(reserve) (must be below --memory \(memory))")
    }
    self.budget = budget
    self.reserve = reserved
    self.optimizer = try Self.choice(optimizer, "--optimizer")
    self.precision = try Self.choice(amp, "--amp")
    self.checkpointing = try Self.choice(checkpoint, "--checkpoint")
    guard let axis = FitAxis(rawValue: vary) else {
      throw UsageError(
        "invalid value for --vary: \(vary) (one of \(FitAxis.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    self.axis = axis
  }

  static func choice<T: RawRepresentable & CaseIterable>(_ text: String, _ flag: String) throws -> T
  where T.RawValue == String {
    guard let value = T(rawValue: text) else {
      throw UsageError(
        "invalid value for \(flag): \(text) (one of \(T.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    return value
  }

  /// The bytes available to the step.
  var available: Int { budget - reserve }

  func memory(_ configuration: ModelConfiguration) throws -> TrainingStepMemory {
    try TrainingStepMemory(
      configuration, optimizer: optimizer, precision: precision, checkpointing: checkpointing)
  }

  struct Result {
    var value: Int
    var configuration: ModelConfiguration
    var memory: TrainingStepMemory
    /// The next value and its peak, when it could be built (nil at the axis' limit).
    var next: (value: Int, peakBytes: Int)?
  }

  /// The largest value of the axis that fits: doubling from the minimum until it does not fit, then bisection
  /// (every tensor grows with batch, frames and crop, so the peak never falls as they grow).
  func search(_ base: ModelConfiguration) throws -> Result {
    func fits(_ value: Int) throws -> TrainingStepMemory? {
      let memory = try memory(axis.apply(value, to: base))
      return memory.peakBytes <= available ? memory : nil
    }
    let low = axis.minimum
    guard let first = try fits(low) else {
      let peak = try memory(axis.apply(low, to: base)).peakBytes
      throw UsageError(
        "the model does not fit at \(axis.rawValue) \(low): its training step needs \(Quantity.grouped(peak)) bytes "
          + "(\(Quantity.bytes(peak))), \(Quantity.bytes(available)) are available")
    }
    var (good, goodMemory) = (low, first)
    var bad: Int? = nil
    let limit = ModelConfiguration.maximumExtent
    while bad == nil {
      let trial = good * 2
      guard trial <= limit else { break }
      if let m = try? fits(trial) { (good, goodMemory) = (trial, m) } else { bad = trial }
    }
    if var high = bad {
      while high - good > 1 {
        let middle = good + (high - good) / 2
        if let m = try? fits(middle) { (good, goodMemory) = (middle, m) } else { high = middle }
      }
    }
    let nextPeak = try? memory(axis.apply(good + 1, to: base)).peakBytes
    return Result(
      value: good, configuration: axis.apply(good, to: base), memory: goodMemory,
      next: nextPeak.map { (good + 1, $0) })
  }
}

/// Sizes with units: `24GiB`, `1.5 GiB`, `40GB`, `512MiB`, `1000` (bytes).
enum ByteSize {
  static let units: [(String, Double)] = [
    ("tib", 0x1p40), ("gib", 0x1p30), ("mib", 0x1p20), ("kib", 0x1p10),
    ("tb", 1e12), ("gb", 1e9), ("mb", 1e6), ("kb", 1e3), ("b", 1),
  ]

  /// Whole bytes (rounded down), or nil for text that is not a finite, non-negative size below 2⁶³.
  static func parse(_ text: String) -> Int? {
    let lower = text.lowercased().trimmingCharacters(in: .whitespaces)
    var number = lower
    var scale = 1.0
    for (unit, factor) in units where lower.hasSuffix(unit) {
      number = String(lower.dropLast(unit.count)).trimmingCharacters(in: .whitespaces)
      scale = factor
      break
    }
    guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }), let value = Double(number),
      value.isFinite, value >= 0
    else { return nil }
    let bytes = (value * scale).rounded(.down)
    guard bytes < 0x1p63 else { return nil }
    return Int(bytes)
  }
}

/// The terminal report of `fit`.
struct FitView {
  let request: FitRequest
  let result: FitRequest.Result

  func render() -> String {
    let m = result.memory
    let c = result.configuration
    var text = "fit: largest \(request.axis.rawValue) whose training step fits: \(result.value)\n"
    text += "model: T \(c.frames), crop \(c.crop), width \(Quantity.factor(c.widthFactor)), "
    text += "depth \(Quantity.factor(c.depthFactor)), bottleneck \(Quantity.factor(c.bottleneckFactor)), "
    text += "\(c.classes) classes, batch \(c.batch), impl \(c.implementation.rawValue); optimizer "
    text += "\(request.optimizer.rawValue), amp \(request.precision.rawValue), checkpoint "
    text += "\(request.checkpointing.rawValue)\n"
    var table = TextTable([("part", .left), ("bytes", .right), ("scaled", .right)])
    func row(_ name: String, _ bytes: Int) {
      table.append([name, Quantity.grouped(bytes), Quantity.bytes(bytes)])
    }
    row("parameters (\(request.precision.elementType.rawValue))", m.parameterBytes)
    if m.masterWeightBytes > 0 { row("master weights (f32)", m.masterWeightBytes) }
    row("optimizer state (\(request.optimizer.rawValue), f32)", m.optimizerStateBytes)
    row("parameter gradients at the peak", m.peakGradientBytes)
    row("saved activations at the peak", m.peakSavedBytes)
    row("activation gradients and transients", m.peakTransientBytes)
    row("training step peak (\(m.peakAt))", m.peakBytes)
    row("reserve", request.reserve)
    row("total", m.peakBytes + request.reserve)
    row("memory", request.budget)
    text += table.aligned() + "\n"
    text += "all gradients \(Quantity.grouped(m.gradientBytes)) bytes; saved by the forward pass "
    text += "\(Quantity.grouped(m.savedActivationBytes)) bytes"
    if m.recomputedMACs > 0 { text += "; recomputed in backward \(Quantity.grouped(m.recomputedMACs)) MACs" }
    text += "\n"
    if let next = result.next {
      text += "\(request.axis.rawValue) \(next.value): the step needs \(Quantity.grouped(next.peakBytes)) bytes "
      text +=
        "(\(Quantity.bytes(next.peakBytes))), more than the \(Quantity.bytes(request.available)) left by the reserve\n"
    }
    return text
  }
}
