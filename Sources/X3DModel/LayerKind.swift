/// A 3-D extent or offset along `(T, H, W)`.
///
/// Stored as three 32-bit integers (every kernel, stride, padding and pool window of a valid configuration is at
/// most ``ModelConfiguration/maximumExtent``), so that a layer node stays small: nodes are copied into every
/// per-layer row.
public struct Triple: Hashable, Sendable, CustomStringConvertible {
  private var storage: (t: Int32, h: Int32, w: Int32)

  /// Traps when an extent does not fit in 32 bits.
  public init(_ t: Int, _ h: Int, _ w: Int) {
    storage = (Int32(t), Int32(h), Int32(w))
  }

  public var t: Int {
    get { Int(storage.t) }
    set { storage.t = Int32(newValue) }
  }
  public var h: Int {
    get { Int(storage.h) }
    set { storage.h = Int32(newValue) }
  }
  public var w: Int {
    get { Int(storage.w) }
    set { storage.w = Int32(newValue) }
  }

  public static func == (a: Triple, b: Triple) -> Bool { a.storage == b.storage }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(storage.t)
    hasher.combine(storage.h)
    hasher.combine(storage.w)
  }

  public static let one = Triple(1, 1, 1)
  public static let zero = Triple(0, 0, 0)

  /// `t·h·w`.
  public var volume: Int { t * h * w }
  public var description: String { "\(t)×\(h)×\(w)" }
}

/// A 3-D convolution: `Conv3d(inChannels, outChannels, kernel, stride, padding, groups, bias)`.
public struct Convolution: Hashable, Sendable {
  public var inChannels: Int
  public var outChannels: Int
  public var groups: Int
  public var kernel: Triple
  public var stride: Triple
  public var padding: Triple
  public var hasBias: Bool

  public init(
    inChannels: Int, outChannels: Int, kernel: Triple = .one, stride: Triple = .one, padding: Triple = .zero,
    groups: Int = 1, hasBias: Bool = false
  ) {
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    self.groups = groups
    self.hasBias = hasBias
  }

  /// Output extent along one axis: `floor((n + 2p − k)/s) + 1`, or nil when it would be below one.
  @inlinable
  public static func outputExtent(input n: Int, kernel k: Int, stride s: Int, padding p: Int) -> Int? {
    let span = n + 2 * p - k
    return span < 0 ? nil : span / s + 1
  }
}

/// A fully connected layer `Linear(inFeatures, outFeatures)` applied at every position of its input.
public struct Linear: Hashable, Sendable {
  public var inFeatures: Int
  public var outFeatures: Int
  public var hasBias: Bool

  public init(inFeatures: Int, outFeatures: Int, hasBias: Bool = true) {
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
    self.hasBias = hasBias
  }
}

/// What a node of the layer graph computes. Every reader (formulas, executor, memory model) switches over this
/// enum exhaustively, so a new kind cannot be silently uncounted.
public enum LayerKind: Hashable, Sendable {
  /// The input clip `(N, 3, T, S, S)`.
  case input
  case convolution(Convolution)
  /// BatchNorm3d over the channels, inference mode: `y = (x − mean)/sqrt(var + 1e-5)·γ + β`.
  case batchNorm
  case relu
  /// `x·sigmoid(x)`.
  case swish
  case sigmoid
  /// Squeeze-excitation's squeeze: mean over `T, H, W` to `(N, C, 1, 1, 1)`.
  case globalAveragePool
  /// Squeeze-excitation's excitation: `x · gate`, the `(N, C, 1, 1, 1)` gate broadcast over `T, H, W`.
  case channelScale
  /// `shortcut + branch`.
  case residualAdd
  /// AvgPool3d with this kernel, stride 1, no padding (the head's pool5).
  case averagePool(kernel: Triple)
  case linear(Linear)
  /// Softmax over the classes at each position.
  case softmax
  /// Mean over all positions `T·H·W`: `(N, K, T, H, W)` → `(N, K)`.
  case positionMean
}

extension LayerKind {
  /// A short lowercase name for reports: `conv`, `bn`, `relu`, …
  public var name: String {
    switch self {
    case .input: "input"
    case .convolution(let conv): conv.groups == conv.inChannels && conv.groups > 1 ? "conv_dw" : "conv"
    case .batchNorm: "bn"
    case .relu: "relu"
    case .swish: "swish"
    case .sigmoid: "sigmoid"
    case .globalAveragePool: "global_avg_pool"
    case .channelScale: "scale"
    case .residualAdd: "add"
    case .averagePool: "avg_pool"
    case .linear: "linear"
    case .softmax: "softmax"
    case .positionMean: "mean"
    }
  }
}
