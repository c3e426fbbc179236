import X3DModel

/// What one node's kernels did in a training step, as the kernels counted it. One fused multiply-add is one MAC;
/// each add, multiply, divide, compare, exp or log of the elementwise work is one FLOP.
public struct TrainingCounter: Sendable, Equatable {
  /// Multiply-adds of the training forward pass (padding taps included).
  public var forwardMACs = 0
  /// Multiply-adds spent on the gradient of the node's input.
  public var inputGradientMACs = 0
  /// Multiply-adds spent on the gradient of the node's weight.
  public var weightGradientMACs = 0
  /// Elementwise FLOPs of the forward pass (and the loss, on the output node).
  public var forwardFlops = 0
  /// Elementwise FLOPs of the backward pass, the summing of gradients from several readers included.
  public var backwardFlops = 0

  public init() {}

  /// The `flops` convention of the step: two per multiply-add plus the elementwise work, forward and backward (the
  /// executor's side of the `training_flops` cost field).
  public var flops: Int { 2 * (forwardMACs + inputGradientMACs + weightGradientMACs) + forwardFlops + backwardFlops }

  public static func + (a: Self, b: Self) -> Self {
    var sum = a
    sum.forwardMACs += b.forwardMACs
    sum.inputGradientMACs += b.inputGradientMACs
    sum.weightGradientMACs += b.weightGradientMACs
    sum.forwardFlops += b.forwardFlops
    sum.backwardFlops += b.backwardFlops
    return sum
  }
}

/// One node's row of a training step's tally.
public struct TrainingNodeTally: Sendable, Equatable {
  public var index: Int
  public var path: NodePath
  public var counter = TrainingCounter()
}

/// The tally of one training step: a row per node in execution order.
public struct TrainingTally: Sendable {
  public var nodes: [TrainingNodeTally] = []

  /// The rows summed.
  public var total: TrainingCounter { nodes.reduce(TrainingCounter()) { $0 + $1.counter } }
}
