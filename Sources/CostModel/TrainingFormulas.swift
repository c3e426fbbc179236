import X3DModel

/// The one table of per-node training formulas: forward, input-gradient and weight-gradient multiply-adds, and
/// the `flops` convention's elementwise work forward and backward. Pure functions of the node, every product
/// overflow-checked. `I` is the node's (first) input elements, `O` its output elements, `N` the batch; each add,
/// multiply, divide, compare, exp or log is one FLOP (docs/training.md).
///
/// | kind | forward MACs | input-gradient MACs | weight-gradient MACs | forward elementwise | backward elementwise |
/// |---|---|---|---|---|---|
/// | convolution | `O·(Cin/g)·kt·kh·kw` | the same, 0 if the input is the clip | the same | bias: `O` | bias gradient: `O` |
/// | linear | `O·in` | `O·in` | `O·in` | bias: `O` | bias gradient: `O` |
/// | batch norm (batch statistics) | – | – | – | `6·I` | `11·I` |
/// | relu | – | – | – | `O` | `O` |
/// | swish | – | – | – | `5·O` | `9·O` |
/// | sigmoid | – | – | – | `4·O` | `3·O` |
/// | global average pool, position mean | – | – | – | `I` | `I` |
/// | average pool (window `v`) | – | – | – | `v·O` | `(v + 1)·O` |
/// | scale `x·g` | – | – | – | `O` | `3·O` |
/// | residual add | – | – | – | `O` | 0 |
/// | softmax (stable: max, subtract, exp, sum, divide) | – | – | – | `5·O` | `4·O` |
///
/// Besides the table: a node whose output is read by `r > 1` later nodes pays `(r − 1)·O` additions in backward,
/// where autograd sums the gradients arriving from its readers (not the clip, which gets no gradient); the
/// network's output node also computes the loss, `−(1/N)·Σₙ log pₙ,ᵧₙ` on the class probabilities it produces,
/// `2·N` FLOPs forward (log, sum) and `2·N` backward (`−1/(N·p)` at each label).
public enum TrainingFormulas {
  /// The training cost of one copy of `node`. `inputNeedsGradient` is false where the node reads the input clip.
  @inline(__always)
  public static func cost(of node: LayerNode, inputNeedsGradient: Bool) throws(ConfigurationError)
    -> TrainingCost
  {
    let checked = Checked(path: node.path)
    var cost = TrainingCost()
    let output = try checked.elements(of: node, output: true)
    let input = try checked.elements(of: node, output: false)
    switch node.kind {
    case .input:
      break
    case .convolution(let conv):
      let taps = try checked.product(
        conv.inChannels / conv.groups, conv.kernel.t, conv.kernel.h, conv.kernel.w)
      cost.forwardMACs = try checked.product(output, taps)
      (cost.inputGradientMACs, cost.weightGradientMACs) = gradientMACs(
        forward: cost.forwardMACs, inputNeedsGradient: inputNeedsGradient)
      cost.forwardElementwiseFlops = conv.hasBias ? output : 0
      cost.backwardElementwiseFlops = conv.hasBias ? output : 0
    case .linear(let linear):
      cost.forwardMACs = try checked.product(output, linear.inFeatures)
      (cost.inputGradientMACs, cost.weightGradientMACs) = gradientMACs(
        forward: cost.forwardMACs, inputNeedsGradient: inputNeedsGradient)
      cost.forwardElementwiseFlops = linear.hasBias ? output : 0
      cost.backwardElementwiseFlops = linear.hasBias ? output : 0
    case .batchNorm:
      cost.forwardElementwiseFlops = try checked.product(6, input)
      cost.backwardElementwiseFlops = try checked.product(11, input)
    case .relu:
      (cost.forwardElementwiseFlops, cost.backwardElementwiseFlops) = (output, output)
    case .swish:
      cost.forwardElementwiseFlops = try checked.product(5, output)
      cost.backwardElementwiseFlops = try checked.product(9, output)
    case .sigmoid:
      cost.forwardElementwiseFlops = try checked.product(4, output)
      cost.backwardElementwiseFlops = try checked.product(3, output)
    case .globalAveragePool, .positionMean:
      (cost.forwardElementwiseFlops, cost.backwardElementwiseFlops) = (input, input)
    case .averagePool(let kernel):
      cost.forwardElementwiseFlops = try checked.product(output, kernel.volume)
      cost.backwardElementwiseFlops = try checked.product(output, kernel.volume + 1)
    case .channelScale:
      cost.forwardElementwiseFlops = output
      cost.backwardElementwiseFlops = try checked.product(3, output)
    case .residualAdd:
      cost.forwardElementwiseFlops = output
    case .softmax:
      cost.forwardElementwiseFlops = try checked.product(5, output)
      cost.backwardElementwiseFlops = try checked.product(4, output)
    }
    if node.consumerCount > 1, !isClip(node) {
      cost.backwardElementwiseFlops = try checked.sum(
        cost.backwardElementwiseFlops, checked.product(node.consumerCount - 1, output))
    }
    if node.consumerCount == 0 {
      let loss = try checked.product(2, node.outputShape.batch)
      cost.forwardElementwiseFlops = try checked.sum(cost.forwardElementwiseFlops, loss)
      cost.backwardElementwiseFlops = try checked.sum(cost.backwardElementwiseFlops, loss)
    }
    return cost
  }

  /// The input- and weight-gradient multiply-adds of a convolution or linear layer whose forward pass takes
  /// `forward`: each gradient is the forward contraction transposed (per group, for grouped convolutions, as the
  /// forward is), so each costs `forward`; the input gradient is skipped where the input needs none (the clip).
  @inline(__always)
  public static func gradientMACs(forward: Int, inputNeedsGradient: Bool) -> (input: Int, weight: Int) {
    (inputNeedsGradient ? forward : 0, forward)
  }

  /// Whether `node` is the input clip: an input node that stands for itself (a segment's stand-in input, which
  /// carries a block's input and so needs a gradient, has `repeatCount` 0).
  @inline(__always)
  public static func isClip(_ node: LayerNode) -> Bool {
    if case .input = node.kind { return node.repeatCount > 0 }
    return false
  }
}
