import X3DModel

/// What one copy of a node costs in one training step (forward in training mode, the loss, backward), at the
/// configuration's batch. All integer counts; one fused multiply-add is one MAC.
///
/// The multiply-adds are split the way autograd computes them: the forward pass, the gradient with respect to the
/// node's input (skipped where the input needs none: the clip read by the first convolution) and the gradient with
/// respect to its weight. The elementwise counts are the `flops` convention's work besides `2·MACs`
/// (docs/training.md lists them per kind).
public struct TrainingCost: Hashable, Sendable {
  /// Multiply-adds of the training forward pass (the same as inference: convolutions and linear layers).
  public var forwardMACs = 0
  /// Multiply-adds of the input gradient: a transposed convolution (or `dy·W`) over the same taps, so equal to
  /// ``forwardMACs`` where computed and zero where the input needs no gradient.
  public var inputGradientMACs = 0
  /// Multiply-adds of the weight gradient: `dW += dy·x` over every tap of every output position, padding taps
  /// included, so equal to ``forwardMACs`` for every convolution and linear layer.
  public var weightGradientMACs = 0
  /// Elementwise FLOPs of the training forward pass besides `2·forwardMACs` (BatchNorm with batch statistics,
  /// activations, bias additions, pooling, the loss).
  public var forwardElementwiseFlops = 0
  /// Elementwise FLOPs of the backward pass besides `2·(input + weight gradient MACs)`: activation and BatchNorm
  /// backward, bias gradients (one addition per output element), pooling backward, the summing of gradients of
  /// tensors read twice, the loss gradient.
  public var backwardElementwiseFlops = 0

  public init() {}

  /// Forward plus backward multiply-adds.
  public var macs: Int { forwardMACs + inputGradientMACs + weightGradientMACs }
  /// Backward multiply-adds alone.
  public var backwardMACs: Int { inputGradientMACs + weightGradientMACs }
  /// The `flops` convention: two per multiply-add plus every elementwise operation, forward and backward.
  public var flops: Int { 2 * macs + forwardElementwiseFlops + backwardElementwiseFlops }
}
