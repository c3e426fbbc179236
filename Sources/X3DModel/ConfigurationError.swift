/// A configuration that cannot describe a network. Every case names the offending parameter (by its command-line
/// flag) or node, and the value involved, so the message can be shown to a user as is.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible, Sendable {
  /// A real factor that is not a finite number above zero, or above the supported bound.
  case invalidFactor(parameter: Parameter, value: Double, reason: String)
  /// An integer hyperparameter out of its range.
  case invalidCount(parameter: Parameter, value: Int, reason: String)
  /// A layer whose output would have no elements along some axis.
  case zeroExtent(node: String, axis: String, input: Int, kernel: Int)
  /// A rounded width that comes out as zero.
  case zeroWidth(node: String, parameter: Parameter, value: Double)
  /// A count that does not fit in a signed 64-bit integer.
  case overflow(node: String, quantity: String)

  public var description: String {
    switch self {
    case .invalidFactor(let parameter, let value, let reason):
      "invalid value for \(parameter.flag): \(value) (\(reason))"
    case .invalidCount(let parameter, let value, let reason):
      "invalid value for \(parameter.flag): \(value) (\(reason))"
    case .zeroExtent(let node, let axis, let input, let kernel):
      "\(node): output \(axis) extent would be zero (input \(input), kernel \(kernel)); "
        + "use a larger crop or test crop, or more frames"
    case .zeroWidth(let node, let parameter, let value):
      "\(node): \(parameter.flag) \(value) rounds a channel width down to zero"
    case .overflow(let node, let quantity):
      "\(node): \(quantity) does not fit in a 64-bit integer; the configuration is too large"
    }
  }
}

/// A user-facing hyperparameter, named by its command-line flag.
public enum Parameter: String, Sendable, CaseIterable {
  case gammaTau = "gamma-tau"
  case gammaT = "gamma-t"
  case gammaS = "gamma-s"
  case gammaW = "gamma-w"
  case gammaB = "gamma-b"
  case gammaD = "gamma-d"
  case frames, crop
  case testCrop = "test-crop"
  case widthFactor = "width-factor"
  case depthFactor = "depth-factor"
  case bottleneckFactor = "bottleneck-factor"
  case classes, batch

  /// The flag as typed on the command line, e.g. `--gamma-t`.
  public var flag: String { "--" + rawValue }
}
