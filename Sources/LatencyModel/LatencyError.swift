/// A bad hardware profile, an unknown name, or data that cannot be fitted. Every description is one line naming
/// the value at fault.
public enum LatencyError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The profile (file or JSON) is not valid: what is wrong with it.
  case invalidProfile(source: String, reason: String)
  /// Neither a built-in profile nor a readable file.
  case unknownHardware(name: String, builtIn: [String])
  /// The profile has no peak for this element type.
  case missingPeak(profile: String, elementType: String, available: [String])
  /// Fewer measured configurations than parameters to fit.
  case tooFewMeasurements(count: Int, parameters: Int)
  /// Too few measurements to leave `parameters` in every training fold.
  case tooFewForFolds(count: Int, folds: Int, training: Int, parameters: Int)
  /// A measured value that cannot be a latency (zero, negative, not finite).
  case invalidMeasurement(configuration: String, value: Double)

  public var description: String {
    switch self {
    case .invalidProfile(let source, let reason):
      "hardware profile \(source): \(reason)"
    case .unknownHardware(let name, let builtIn):
      "hardware '\(name)' is neither a built-in profile (\(builtIn.joined(separator: ", "))) nor a readable file"
    case .missingPeak(let profile, let elementType, let available):
      "hardware profile \(profile) has no peak for \(elementType) (it has \(available.joined(separator: ", ")))"
    case .tooFewMeasurements(let count, let parameters):
      "\(count) measured configurations are fewer than the \(parameters) parameters to fit"
        + " (measure at least \(parameters))"
    case .tooFewForFolds(let count, let folds, let training, let parameters):
      "\(count) measured configurations in \(folds) folds leave \(training) to fit, fewer than the \(parameters)"
        + " parameters (measure more, or use fewer folds)"
    case .invalidMeasurement(let configuration, let value):
      "measured latency \(value) of \(configuration) is not a positive finite number"
    }
  }
}
