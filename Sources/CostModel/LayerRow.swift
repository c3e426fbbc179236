import X3DModel

/// One row of a per-layer report: a node and its cost.
public struct LayerRow: Hashable, Sendable {
  public var node: LayerNode
  public var cost: LayerCost

  /// SlowFast path, e.g. `s2.pathway0_res0.branch2.a`.
  public var name: String { node.path.description }
  /// Short kind name: `conv`, `conv_dw`, `bn`, …
  public var kind: String { node.kind.name }

  /// `k 3×3×3 s 1×2×2 p 1×1×1 g 54` for convolutions, `k 16×7×7` for pools, empty otherwise.
  public var geometry: String {
    switch node.kind {
    case .convolution(let conv):
      var text = "k \(conv.kernel) s \(conv.stride)"
      if conv.padding != .zero { text += " p \(conv.padding)" }
      if conv.groups > 1 { text += " g \(conv.groups)" }
      if conv.hasBias { text += " +bias" }
      return text
    case .averagePool(let kernel): return "k \(kernel) s 1×1×1"
    case .linear(let linear): return "\(linear.inFeatures)→\(linear.outFeatures) +bias"
    case .input, .batchNorm, .relu, .swish, .sigmoid, .globalAveragePool, .channelScale, .residualAdd, .softmax,
      .positionMean:
      return ""
    }
  }
}
