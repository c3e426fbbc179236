import X3DModel

/// Why a search cannot start or go on. Each case names the value involved.
public enum SearchError: Error, Equatable, CustomStringConvertible, Sendable {
  case unknownAxis(String)
  case noAxes
  case invalidSetting(name: String, value: String, reason: String)
  case targetNotAboveStart(target: Int, start: Int, measure: String)
  case allCandidatesFailed(step: Int, reasons: [String])
  case candidateFailed(step: Int, configuration: String, reason: String)
  case cannotExpand(step: Int, measure: String)
  case configuration(ConfigurationError)
  case store(String)
  case criterion(String)
  /// A search of this name exists with another definition (settings or criterion).
  case definitionMismatch(name: String, stored: String, requested: String)
  /// Stopped by a signal; `evaluations` finished this run and are stored.
  case interrupted(evaluations: Int)

  public var description: String {
    switch self {
    case .unknownAxis(let name):
      "unknown axis '\(name)'; use one of tau, t, s, w, b, d (or gamma-tau … gamma-d, frame-rate, frames, spatial, width, bottleneck, depth)"
    case .noAxes: "every axis is excluded; nothing to expand"
    case .invalidSetting(let name, let value, let reason): "invalid value for \(name): \(value) (\(reason))"
    case .targetNotAboveStart(let target, let start, let measure):
      "the target \(measure) \(target) is not above the start's \(start); nothing to expand"
    case .allCandidatesFailed(let step, let reasons):
      "step \(step): every candidate failed: " + reasons.joined(separator: "; ")
    case .candidateFailed(let step, let configuration, let reason):
      "step \(step): candidate \(configuration) failed (\(reason)); stopping (--on-failure stop)"
    case .cannotExpand(let step, let measure):
      "step \(step): no axis can raise the \(measure) any further"
    case .configuration(let error): error.description
    case .store(let message): message
    case .criterion(let message): message
    case .definitionMismatch(let name, let stored, let requested):
      "search '\(name)' already exists with another definition, so it cannot be resumed; choose another --name "
        + "(cached scores are reused under any name)\n  stored:    \(stored)\n  requested: \(requested)"
    case .interrupted(let evaluations):
      "interrupted after \(evaluations) criterion evaluation(s) this run, all stored; run the same command again "
        + "to resume"
    }
  }
}
