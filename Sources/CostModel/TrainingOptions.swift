/// The optimizer of a training step, for the bytes of its state (PyTorch's `torch.optim`).
public enum TrainingOptimizer: String, CaseIterable, Sendable, Codable {
  /// Plain SGD: no state.
  case sgd
  /// SGD with momentum: one `momentum_buffer` per parameter.
  case momentum
  /// Adam and AdamW: `exp_avg` and `exp_avg_sq` per parameter, and a float32 `step` scalar per parameter tensor.
  case adam, adamw

  /// State elements per parameter element.
  var statePerParameter: Int {
    switch self {
    case .sgd: 0
    case .momentum: 1
    case .adam, .adamw: 2
    }
  }

  /// Bytes of state per parameter tensor, besides the per-element state (Adam's `step` counter).
  var statePerTensor: Int {
    switch self {
    case .sgd, .momentum: 0
    case .adam, .adamw: 4
    }
  }
}

/// Mixed precision: the element type of weights, gradients and activations, and whether float32 master weights are
/// kept (docs/training.md).
public enum MixedPrecision: String, CaseIterable, Sendable, Codable {
  /// Everything in float32; the weights are their own master copy.
  case none
  /// 16-bit weights, gradients and activations; float32 master weights and optimizer state.
  case bf16, f16

  /// The element type of activations, weights and gradients.
  public var elementType: ElementType {
    switch self {
    case .none: .f32
    case .bf16: .bf16
    case .f16: .f16
    }
  }

  /// Bytes per element of the float32 master weights (0 without mixed precision).
  var masterBytesPerParameter: Int { self == .none ? 0 : 4 }
}

/// Activation checkpointing (`torch.utils.checkpoint`): which parts of the network keep only their input in the
/// forward pass and run their forward again in backward.
public enum Checkpointing: String, CaseIterable, Sendable, Codable {
  case none
  /// Every residual block is one checkpointed segment.
  case block
  /// Every residual stage (res2 … res5) is one checkpointed segment.
  case stage
}
