import X3DModel

/// What one kernel call did, as the kernel itself counted it.
public struct KernelCounter: Sendable, Equatable {
  /// Multiply-adds executed, taps on zero padding included.
  public var macs = 0
  /// Distinct learnable parameters read (weights, biases, BatchNorm γ and β).
  public var parametersRead = 0
  /// Distinct buffer elements read (BatchNorm running statistics).
  public var buffersRead = 0
  /// Elements written to the output tensor.
  public var outputElements = 0
  /// Distinct elements of the input tensors read (a padding tap reads nothing; an element read twice counts once).
  public var activationElementsRead = 0

  public init() {}
}

/// A convolution's or linear layer's tensors: weight in PyTorch's row-major order, optional bias.
public struct LayerWeights: Sendable {
  public var weight: [Float]
  public var bias: [Float]?

  public init(weight: [Float], bias: [Float]?) {
    self.weight = weight
    self.bias = bias
  }
}

/// BatchNorm's tensors, inference mode: `y = (x − mean)/√(variance + epsilon)·scale + shift`.
public struct NormWeights: Sendable {
  /// γ
  public var scale: [Float]
  /// β
  public var shift: [Float]
  public var mean: [Float]
  public var variance: [Float]
  public var epsilon: Float = 1e-5

  public init(scale: [Float], shift: [Float], mean: [Float], variance: [Float]) {
    self.scale = scale
    self.shift = shift
    self.mean = mean
    self.variance = variance
  }
}

/// The kernels a graph walk needs, one per operation. The executor checks shapes before calling, so a kernel may
/// assume its inputs fit; each computes its own output shape and counts what it does into `counter`.
public protocol ExecutionBackend: Sendable {
  var kind: BackendKind { get }
  func convolution(
    _ x: Tensor, _ conv: Convolution, _ w: LayerWeights, _ counter: inout KernelCounter
  ) -> Tensor
  func batchNorm(_ x: Tensor, _ w: NormWeights, _ counter: inout KernelCounter) -> Tensor
  func relu(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor
  func swish(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor
  func sigmoid(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor
  /// Mean over `T, H, W` to `(N, C, 1, 1, 1)`.
  func globalAveragePool(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor
  /// `x · gate`, the `(N, C, 1, 1, 1)` gate broadcast over `T, H, W`.
  func channelScale(_ x: Tensor, _ gate: Tensor, _ counter: inout KernelCounter) -> Tensor
  func add(_ a: Tensor, _ b: Tensor, _ counter: inout KernelCounter) -> Tensor
  /// Window mean, stride 1, no padding.
  func averagePool(_ x: Tensor, kernel: Triple, _ counter: inout KernelCounter) -> Tensor
  /// `Linear(in, out)` at every position of a channel-first `(N, in, T, H, W)` tensor.
  func linear(_ x: Tensor, _ linear: Linear, _ w: LayerWeights, _ counter: inout KernelCounter)
    -> Tensor
  /// Softmax over the channels at each position.
  func softmax(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor
  /// Mean over all positions: `(N, K, T, H, W)` → `(N, K)`.
  func positionMean(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor
}

/// The backends, by name (for `--backend`).
public enum BackendKind: String, CaseIterable, Sendable {
  /// Plain loops: obviously correct, the source of the tally.
  case reference
  /// Vectorised C kernels (instruction set chosen at run time) on all cores (``FastBackend``).
  case fast

  /// A backend of this kind; `threads` applies to the fast one.
  public func make(threads: Int = 2) -> any ExecutionBackend {
    switch self {
    case .reference: ReferenceBackend()
    case .fast: FastBackend(threads: threads)
    }
  }
}

/// Output shapes, computed by the executor's own rules (never X3DModel's shape inference, which it checks).
enum Shapes {
  /// `floor((n + 2p − k)/s) + 1`, nil when below one.
  static func extent(_ n: Int, kernel k: Int, stride s: Int, padding p: Int) -> Int? {
    let span = n + 2 * p - k
    return span < 0 || s < 1 ? nil : span / s + 1
  }

  static func convolution(_ x: TensorShape, _ conv: Convolution) -> TensorShape? {
    guard
      let t = extent(
        x.frames, kernel: conv.kernel.t, stride: conv.stride.t, padding: conv.padding.t),
      let h = extent(
        x.height, kernel: conv.kernel.h, stride: conv.stride.h, padding: conv.padding.h),
      let w = extent(x.width, kernel: conv.kernel.w, stride: conv.stride.w, padding: conv.padding.w)
    else { return nil }
    return TensorShape(batch: x.batch, channels: conv.outChannels, frames: t, height: h, width: w)
  }

  static func pool(_ x: TensorShape, _ kernel: Triple) -> TensorShape? {
    guard let t = extent(x.frames, kernel: kernel.t, stride: 1, padding: 0),
      let h = extent(x.height, kernel: kernel.h, stride: 1, padding: 0),
      let w = extent(x.width, kernel: kernel.w, stride: 1, padding: 0)
    else { return nil }
    return TensorShape(batch: x.batch, channels: x.channels, frames: t, height: h, width: w)
  }

  static func squeezed(_ x: TensorShape) -> TensorShape {
    TensorShape(batch: x.batch, channels: x.channels, frames: 1, height: 1, width: 1)
  }
}
