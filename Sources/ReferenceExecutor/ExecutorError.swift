import X3DModel

/// Everything that can go wrong when running a network on user data. Each case names the file, node or tensor and
/// the values involved, so its description can be shown to a user as is.
public enum ExecutorError: Error, Equatable, CustomStringConvertible, Sendable {
  /// A tensor whose element count does not match its shape.
  case elementCount(shape: String, expected: Int, observed: Int)
  /// A tensor too large to address.
  case tooLarge(what: String)
  /// A file that cannot be read or written.
  case file(path: String, reason: String)
  /// A `.npy` file that is not a float32, little-endian, C-ordered array of the expected shape.
  case npy(path: String, reason: String)
  /// A `.safetensors` file whose structure is broken.
  case safetensors(path: String, reason: String)
  /// A weights file that does not fit the model: every problem, listed at once.
  case weights(path: String, problems: WeightProblems)
  /// An input clip of the wrong shape for the model.
  case inputShape(expected: String, observed: String)
  /// A node whose input does not fit its operation (the graph and the weights disagree).
  case shapeMismatch(node: String, reason: String)
  /// The configuration does not describe a network.
  case configuration(ConfigurationError)

  public var description: String {
    switch self {
    case .elementCount(let shape, let expected, let observed):
      "a tensor of shape \(shape) needs \(expected) elements, got \(observed)"
    case .tooLarge(let what):
      "\(what) is too large to allocate"
    case .file(let path, let reason):
      "\(path): \(reason)"
    case .npy(let path, let reason):
      "\(path): \(reason)"
    case .safetensors(let path, let reason):
      "\(path): not a valid .safetensors file: \(reason)"
    case .weights(let path, let problems):
      "\(path) does not fit the model (\(problems.count) problems):\n" + problems.description
    case .inputShape(let expected, let observed):
      "the input clip has shape \(observed), the model expects \(expected) (N, 3, T, crop, crop); "
        + "pass --frames, --crop or --test-crop and --batch to match the clip"
    case .shapeMismatch(let node, let reason):
      "\(node): \(reason)"
    case .configuration(let error):
      error.description
    }
  }
}

/// The ways a weights file can disagree with the model, collected over all tensors before reporting.
public struct WeightProblems: Equatable, Sendable, CustomStringConvertible {
  /// Tensors the model needs that the file lacks.
  public var missing: [String] = []
  /// Tensors in the file that the model has no use for.
  public var unexpected: [String] = []
  /// `name: file shape, expected shape`.
  public var misShaped: [String] = []
  /// `name: file dtype, expected F32`.
  public var misTyped: [String] = []

  public init() {}

  public var count: Int { missing.count + unexpected.count + misShaped.count + misTyped.count }
  public var isEmpty: Bool { count == 0 }

  public var description: String {
    var lines: [String] = []
    func section(_ title: String, _ items: [String]) {
      guard !items.isEmpty else { return }
      lines.append("  \(title) (\(items.count)):")
      lines += items.prefix(50).map { "    " + $0 }
      if items.count > 50 { lines.append("    … and \(items.count - 50) more") }
    }
    section("missing", missing)
    section("unexpected", unexpected)
    section("wrong shape", misShaped)
    section("wrong dtype (expected F32; convert with tools/convert_checkpoint.py)", misTyped)
    return lines.joined(separator: "\n")
  }
}
