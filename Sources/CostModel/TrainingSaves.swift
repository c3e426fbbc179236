import X3DModel

/// What PyTorch's autograd keeps for backward when one node runs in training mode, by kind (docs/memory.md).
/// Checked against PyTorch with `saved_tensors_hooks` on pytorchvideo's X3D (Tests/Fixtures).
struct TrainingSaves {
  /// Whether the node keeps its first / second input tensor.
  var firstInput = false
  var secondInput = false
  /// Whether the node keeps its own output.
  var output = false
  /// Tensors private to the node (never read by another node), in bytes.
  var privateBytes = 0

  @inline(__always)
  static func of(
    _ node: LayerNode, _ implementation: ImplementationVariant, _ elementType: ElementType
  ) -> Self {
    var saves = TrainingSaves()
    switch node.kind {
    case .input, .residualAdd, .globalAveragePool:
      break
    case .convolution, .swish, .averagePool:
      saves.firstInput = true
    case .batchNorm:
      // The input, plus the batch mean and inverse standard deviation, C float32 values each.
      saves.firstInput = true
      saves.privateBytes = 2 * node.inputShape.channels * 4
    case .relu, .sigmoid:
      saves.output = true
    case .channelScale:
      saves.firstInput = true
      saves.secondInput = true
    case .linear:
      // Dropout (p = 0.5, training only) stands between fc1's ReLU and fc2. On the CPU PyTorch computes it as
      // `x · mask` with a mask of x's element type, and keeps the mask; fc2 keeps the product. Both are new
      // tensors of the input's size. (The ReLU output itself is kept by the ReLU.)
      let elements = node.inputShape.batch * node.inputShape.positions * node.inputShape.channels
      saves.privateBytes = 2 * elements * elementType.byteCount
    case .softmax:
      // pytorchvideo applies its softmax in training too; SlowFast only at inference.
      saves.output = implementation == .pytorchvideo
    case .positionMean:
      break
    }
    return saves
  }
}
