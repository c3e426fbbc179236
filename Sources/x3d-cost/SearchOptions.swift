import ArgumentParser
import ExpansionSearch
import LatencyModel
import X3DModel

extension SearchSettings.Selection: ExpressibleByArgument {}
extension SearchSettings.FailurePolicy: ExpressibleByArgument {}

/// The flags that define an expansion search (shared by `expand run` and `expand ask`).
struct SearchOptions: ParsableArguments {
  @Option(help: "Name of the search in the database (the same name and flags resume it).")
  var name: String

  @Option(help: "Start model (default x2d).")
  var start: Preset = .x2d

  @Option(help: "Target complexity in GMACs (conv + linear multiply-adds).")
  var targetGmacs: Double?

  @Option(help: "Target parameter count in millions (with BN).")
  var targetParams: Double?

  @Option(
    parsing: .unconditional,
    help: "Target predicted latency in milliseconds on --hardware (implies --measure predicted_ms).")
  var targetMs: Double?

  @Option(help: "Target as a raw count of --measure (nanoseconds for predicted_ms).")
  var target: Int?

  @Option(
    help: """
      The complexity: macs, params, flops, fvcore, activations, inference_peak_bytes, training_activation_bytes, \
      or predicted_ms (the roofline's f32 latency on --hardware, searched in whole nanoseconds).
      """)
  var measure: String?

  @Option(help: ArgumentHelp("Hardware profile for --measure predicted_ms.", valueName: "NAME|FILE"))
  var hardware: String?

  @Option(help: "Axes to expand, comma separated, in tie-break order: t,tau,s,w,b,d (default all).")
  var axes: String?

  @Option(help: "Axes to leave alone, comma separated.")
  var exclude: String?

  @Option(
    parsing: .unconditional, help: "Each candidate aims at this multiple of the current complexity (at most 100).")
  var stepRatio: Double = 2

  @Option(help: "score (the best score) or gain (score gain per added complexity).")
  var select: SearchSettings.Selection = .score

  @Option(help: "Contraction aims within this fraction of the target.")
  var tolerance: Double = 0.02

  @Option(help: "A failed candidate: skip it, or stop the search.")
  var onFailure: SearchSettings.FailurePolicy = .skip

  @Option(name: .customLong("impl"), help: "paper, slowfast or pytorchvideo.")
  var implementation: ImplementationVariant = .paper

  @Option(help: "Classes K.")
  var classes: Int = 400

  func settings() throws -> SearchSettings {
    let targets = [targetGmacs != nil, targetParams != nil, targetMs != nil, target != nil].filter { $0 }.count
    guard targets == 1 else {
      throw UsageError("give exactly one of --target-gmacs, --target-params, --target-ms and --target")
    }
    var resolvedMeasure = try parsedMeasure(latency: targetMs != nil)
    var value: Int
    if let targetGmacs {
      guard targetGmacs.isFinite, targetGmacs > 0, targetGmacs < 1e9 else {
        throw UsageError("invalid value for --target-gmacs: \(targetGmacs) (must be a positive number)")
      }
      resolvedMeasure = .macs
      value = Int((targetGmacs * 1e9).rounded())
    } else if let targetParams {
      guard targetParams.isFinite, targetParams > 0, targetParams < 1e9 else {
        throw UsageError("invalid value for --target-params: \(targetParams) (must be a positive number)")
      }
      resolvedMeasure = .params
      value = Int((targetParams * 1e6).rounded())
    } else if let targetMs {
      guard targetMs.isFinite, targetMs > 0, targetMs < 1e9 else {
        throw UsageError("invalid value for --target-ms: \(targetMs) (must be a positive number)")
      }
      value = Int((targetMs * 1e6).rounded())
    } else {
      value = target!
    }
    var settings = SearchSettings(target: value)
    settings.measure = resolvedMeasure
    settings.start = try ModelConfiguration(preset: start).gammas
    var chosen = ExpansionAxis.allCases
    if let axes { chosen = try Self.parseAxes(axes) }
    if let exclude {
      let excluded = try Self.parseAxes(exclude)
      chosen.removeAll { excluded.contains($0) }
    }
    settings.axes = chosen
    // Above 100× a step's goal can exceed Int (the ratio multiplies complexities of up to ~1e17).
    guard stepRatio <= 100 else {
      throw UsageError("invalid value for --step-ratio: \(stepRatio) (must be at most 100)")
    }
    settings.stepRatio = stepRatio
    settings.selection = select
    settings.tolerance = tolerance
    settings.onFailure = onFailure
    settings.implementation = implementation
    guard classes >= 1 else { throw UsageError("invalid value for --classes: \(classes) (must be at least 1)") }
    settings.classes = classes
    try settings.validate()
    return settings
  }

  /// `--measure` (default macs; predicted_ms when `latency`, i.e. with `--target-ms`). The predicted latency needs
  /// `--hardware`, and `--hardware` goes with it only.
  func parsedMeasure(latency: Bool) throws -> ComplexityMeasure {
    let name = measure ?? (latency ? Self.latencyName : "macs")
    if latency && name != Self.latencyName {
      throw UsageError("--target-ms goes with --measure \(Self.latencyName), not --measure \(name)")
    }
    guard name == Self.latencyName else {
      guard hardware == nil else {
        throw UsageError("--hardware goes with --measure \(Self.latencyName) or --target-ms, not --measure \(name)")
      }
      guard let cost = ComplexityMeasure(rawValue: name) else {
        throw UsageError(
          "invalid value for --measure: \(name) (one of \(ComplexityMeasure.allCases.map(\.rawValue).joined(separator: ", ")), "
            + "fvcore, \(Self.latencyName))")
      }
      return cost
    }
    guard let hardware else {
      throw UsageError(
        "--measure \(Self.latencyName) needs --hardware NAME|FILE (\(HardwareProfile.names.joined(separator: ", ")) or a JSON profile)"
      )
    }
    return try ComplexityMeasure(predictedLatencyOn: try HardwareProfile.load(hardware))
  }

  /// The `--measure` name of the predicted latency.
  static let latencyName = "predicted_ms"

  static func parseAxes(_ text: String) throws -> [ExpansionAxis] {
    try text.split(separator: ",").map { try ExpansionAxis(parsing: $0.trimmingCharacters(in: .whitespaces)) }
  }
}

extension SearchError: ReportableError {}
