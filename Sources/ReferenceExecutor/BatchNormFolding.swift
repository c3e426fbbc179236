/// Inference BatchNorm folded into the convolution before it: with `s[c] = γ[c]/√(var[c] + ε)`, the convolution's
/// weights of output channel `c` are multiplied by `s[c]` and its bias becomes `(b[c] − mean[c])·s[c] + β[c]`
/// (`b = 0` without one), so `BN(conv(x)) = conv'(x)` up to float rounding.
struct BatchNormFolding {
  let scale: [Float]
  let shift: [Float]
  let mean: [Float]

  /// The BatchNorm of `node` when its four tensors are present with `channels` elements each; nil otherwise.
  init?(_ weights: ModelWeights, node: Int, channels: Int) {
    guard let gamma = weights.tensor(node: node, .weight), let beta = weights.tensor(node: node, .bias),
      let mean = weights.tensor(node: node, .runningMean), let variance = weights.tensor(node: node, .runningVariance),
      [gamma, beta, mean, variance].allSatisfy({ $0.count == channels })
    else { return nil }
    self.init(NormWeights(scale: gamma, shift: beta, mean: mean, variance: variance), channels: channels)
  }

  /// `norm`, whose tensors have `channels` elements each.
  init(_ norm: NormWeights, channels: Int) {
    scale = (0..<channels).map { norm.scale[$0] / (norm.variance[$0] + norm.epsilon).squareRoot() }
    shift = norm.shift
    mean = norm.mean
  }

  /// `w` (output channel major) and its bias with the BatchNorm folded in.
  func apply(to w: LayerWeights, channels: Int) -> LayerWeights {
    let perChannel = w.weight.count / channels
    var weight = w.weight
    for c in 0..<channels {
      for i in 0..<perChannel { weight[c * perChannel + i] *= scale[c] }
    }
    var bias = [Float](repeating: 0, count: channels)
    for c in 0..<channels {
      let original: Float = w.bias?[c] ?? 0
      bias[c] = (original - mean[c]) * scale[c] + shift[c]
    }
    return LayerWeights(weight: weight, bias: bias)
  }
}
