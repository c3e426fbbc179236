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
/// Besides the table: where a tensor is read by `r > 1` nodes, autograd sums the `r` gradients arriving in backward
/// (reverse execution order): the gradient of the last reader arrives first, each earlier reader's is added to it.
/// The `r − 1` additions of `|t|` elements are counted on the readers that add, every reader but the last, so a
/// node's count depends only on itself and on which of its inputs are read again later (inside its own block in
/// X3D), never on how many nodes read its output: a representative block prices each of its copies exactly
/// (``GradientSums``). The network's output node also computes the loss, `−(1/N)·Σₙ log pₙ,ᵧₙ` on the class
/// probabilities it produces, `2·N` FLOPs forward (log, sum) and `2·N` backward (`−1/(N·p)` at each label).
public enum TrainingFormulas {
  /// The training cost of one copy of `node`. `inputNeedsGradient` is false where the node reads the input clip;
  /// `gradientSums` is the elements of the node's inputs that a later node reads too (``GradientSums``).
  @inline(__always)
  public static func cost(of node: LayerNode, inputNeedsGradient: Bool, gradientSums: Int)
    throws(ConfigurationError) -> TrainingCost
  {
    let checked = Checked(path: node.path)
    var cost = TrainingCost()
    let output = try checked.elements(of: node, output: true)
    switch node.kind {
    case .convolution(let conv):
      let taps = try checked.product(
        conv.inChannels / conv.groups, conv.kernel.t, conv.kernel.h, conv.kernel.w)
      cost.forwardMACs = try checked.product(output, taps)
      (cost.inputGradientMACs, cost.weightGradientMACs) = gradientMACs(
        forward: cost.forwardMACs, inputNeedsGradient: inputNeedsGradient)
    case .linear(let linear):
      cost.forwardMACs = try checked.product(output, linear.inFeatures)
      (cost.inputGradientMACs, cost.weightGradientMACs) = gradientMACs(
        forward: cost.forwardMACs, inputNeedsGradient: inputNeedsGradient)
    default:
      break
    }
    (cost.forwardElementwiseFlops, cost.backwardElementwiseFlops) = try elementwise(
      of: node, input: try checked.elements(of: node, output: false), output: output, gradientSums: gradientSums)
    return cost
  }

  /// The `flops` convention's elementwise FLOPs of one copy of `node`, whose first input has `input` elements and
  /// its output `output`, forward and backward, as in the table above; the backward count includes `gradientSums`, the elements of the node's inputs that a later node reads
  /// too (their gradient holds that reader's contribution when this node's arrives, and autograd adds the two), and
  /// on the network's output node (no readers) the loss, `2·N` each way.
  @inline(__always)
  public static func elementwise(of node: LayerNode, input: Int, output: Int, gradientSums: Int)
    throws(ConfigurationError) -> (forward: Int, backward: Int)
  {
    let checked = Checked(path: node.path)
    let step: (forward: Int, backward: Int)
    switch node.kind {
    case .input: step = (0, 0)
    case .convolution(let conv): step = bias(conv.hasBias, output: output)
    case .linear(let linear): step = bias(linear.hasBias, output: output)
    case .batchNorm: step = try batchNorm(input: input, checked)
    case .relu: step = relu(output: output)
    case .swish: step = try swish(output: output, checked)
    case .sigmoid: step = try sigmoid(output: output, checked)
    case .globalAveragePool, .positionMean: step = mean(input: input)
    case .averagePool(let kernel): step = try averagePool(output: output, window: kernel.volume, checked)
    case .channelScale: step = try channelScale(output: output, checked)
    case .residualAdd: step = residualAdd(output: output)
    case .softmax: step = try softmax(output: output, checked)
    }
    return try withSumsAndLoss(step, of: node, gradientSums: gradientSums, checked)
  }

  // The rows of the table's elementwise columns, one function per kind, so that ``CostFormulas``' one switch over
  // the kinds can call them too.
  @inline(__always)
  static func bias(_ hasBias: Bool, output: Int) -> (forward: Int, backward: Int) {
    hasBias ? (output, output) : (0, 0)
  }
  @inline(__always)
  static func batchNorm(input: Int, _ checked: Checked) throws(ConfigurationError) -> (forward: Int, backward: Int) {
    (try checked.product(6, input), try checked.product(11, input))
  }
  @inline(__always)
  static func relu(output: Int) -> (forward: Int, backward: Int) { (output, output) }
  @inline(__always)
  static func swish(output: Int, _ checked: Checked) throws(ConfigurationError) -> (forward: Int, backward: Int) {
    (try checked.product(5, output), try checked.product(9, output))
  }
  @inline(__always)
  static func sigmoid(output: Int, _ checked: Checked) throws(ConfigurationError) -> (forward: Int, backward: Int) {
    (try checked.product(4, output), try checked.product(3, output))
  }
  @inline(__always)
  static func mean(input: Int) -> (forward: Int, backward: Int) { (input, input) }
  @inline(__always)
  static func averagePool(output: Int, window: Int, _ checked: Checked) throws(ConfigurationError) -> (
    forward: Int, backward: Int
  ) {
    (try checked.product(output, window), try checked.product(output, window + 1))
  }
  @inline(__always)
  static func channelScale(output: Int, _ checked: Checked) throws(ConfigurationError) -> (
    forward: Int, backward: Int
  ) {
    (output, try checked.product(3, output))
  }
  @inline(__always)
  static func residualAdd(output: Int) -> (forward: Int, backward: Int) { (output, 0) }
  @inline(__always)
  static func softmax(output: Int, _ checked: Checked) throws(ConfigurationError) -> (forward: Int, backward: Int) {
    (try checked.product(5, output), try checked.product(4, output))
  }

  /// A kind's elementwise FLOPs `step` plus the node's gradient sums (backward) and, on the network's output node,
  /// the loss (both ways).
  @inline(__always)
  static func withSumsAndLoss(
    _ step: (forward: Int, backward: Int), of node: LayerNode, gradientSums: Int, _ checked: Checked
  ) throws(ConfigurationError) -> (forward: Int, backward: Int) {
    var (forward, backward) = step
    backward = try checked.sum(backward, gradientSums)
    if node.consumerCount == 0 {
      let loss = try checked.product(2, node.outputShape.batch)
      forward = try checked.sum(forward, loss)
      backward = try checked.sum(backward, loss)
    }
    return (forward, backward)
  }

  /// The `training_flops` cost field of one copy of `node` (``CostField/trainingFlops``): two per training
  /// multiply-add (`trainingMACs`, forward plus both gradients) plus the elementwise FLOPs forward and backward,
  /// gradient sums and loss included (``elementwise(of:input:output:gradientSums:)``; `input`, `output`: elements).
  @inline(__always)
  public static func flops(of node: LayerNode, input: Int, output: Int, trainingMACs: Int, gradientSums: Int)
    throws(ConfigurationError) -> Int
  {
    let checked = Checked(path: node.path)
    let (forward, backward) = try elementwise(of: node, input: input, output: output, gradientSums: gradientSums)
    return try checked.sum(checked.product(2, trainingMACs), checked.sum(forward, backward))
  }

  /// ``flops(of:input:output:trainingMACs:gradientSums:)`` given the kind's elementwise row `step` (one of the
  /// functions above), for a caller that has already switched over the node's kind.
  @inline(__always)
  static func flops(
    of node: LayerNode, step: (forward: Int, backward: Int), trainingMACs: Int, gradientSums: Int, _ checked: Checked
  ) throws(ConfigurationError) -> Int {
    let (forward, backward) = try withSumsAndLoss(step, of: node, gradientSums: gradientSums, checked)
    return try checked.sum(checked.product(2, trainingMACs), checked.sum(forward, backward))
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
