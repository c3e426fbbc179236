import X3DModel

/// One training step of a ``LayerGraph`` on the reference kernels: the forward pass in training mode (BatchNorm
/// with batch statistics; dropout, which is not a node of the graph, is the identity), the loss on given labels,
/// then the backward pass in reverse execution order, with one exhaustive `switch` over ``LayerKind`` each way.
///
/// The loss is the cross-entropy of the network's output, the class probabilities `p` (softmax at each position,
/// then the mean over positions): `L = −(1/N)·Σₙ log pₙ,ᵧₙ`, what PyTorch computes as
/// `nll_loss(log(model(x)), labels)` on pytorchvideo's X3D (and, at the training crop where one position remains,
/// `cross_entropy` on the class scores). Every node counts what its kernels did into its row of the tally; the
/// gradient of a tensor read by several nodes is summed as it arrives, counted on the reader whose contribution is
/// added (every reader but the last: backward runs the readers in reverse).
public struct TrainingStep: Sendable {
  public let graph: LayerGraph
  public let weights: ModelWeights

  public init(graph: LayerGraph, weights: ModelWeights) {
    self.graph = graph
    self.weights = weights
  }

  /// The result of one step. Parameters are not updated.
  public struct Result: Sendable {
    public var loss: Float
    /// The network's output `(N, K)`.
    public var output: Tensor
    /// The gradient of the input clip, when asked for (autograd computes none in training: the clip needs none).
    public var inputGradient: Tensor?
    public var tally: TrainingTally
    private var gradients: [Key: [Float]]

    struct Key: Hashable {
      var node: Int
      var role: ParameterRole
    }

    init(loss: Float, output: Tensor, inputGradient: Tensor?, tally: TrainingTally, gradients: [Key: [Float]]) {
      self.loss = loss
      self.output = output
      self.inputGradient = inputGradient
      self.tally = tally
      self.gradients = gradients
    }

    /// The gradient of the loss with respect to one parameter tensor (`.weight` or `.bias`; BatchNorm's γ and β),
    /// in PyTorch's row-major order; nil for buffers and absent tensors.
    public func gradient(node: Int, _ role: ParameterRole) -> [Float]? {
      gradients[Key(node: node, role: role)]
    }
  }

  /// Runs one step on `clip` `(N, 3, T, S, S)` with one label in `0..<K` per sample. With `inputGradient` the
  /// clip's gradient is computed as well (and counted: the first convolution's input-gradient multiply-adds).
  public func run(_ clip: Tensor, labels: [Int], inputGradient: Bool = false) throws(ExecutorError) -> Result {
    guard clip.shape == graph.input.outputShape else {
      throw .inputShape(expected: graph.input.outputShape.description, observed: clip.shape.description)
    }
    let classes = graph.output.outputShape.channels
    guard labels.count == clip.shape.batch else {
      throw .shapeMismatch(node: "labels", reason: "\(labels.count) labels for a batch of \(clip.shape.batch)")
    }
    if let bad = labels.first(where: { !(0..<classes).contains($0) }) {
      throw .shapeMismatch(node: "labels", reason: "label \(bad) is not a class of 0..<\(classes)")
    }
    var forward = TrainingForward(graph: graph, weights: weights)
    try forward.run(clip)
    var rows = forward.rows
    let last = graph.output.index
    let (loss, outputGradient) = BackwardLoss.negativeLogLikelihood(
      forward.outputs[last]!, labels: labels, &rows[last].counter)

    var backward = TrainingBackward(
      graph: graph, weights: weights, forward: forward, rows: rows, inputGradient: inputGradient)
    try backward.run(outputGradient: outputGradient)
    return Result(
      loss: loss, output: forward.outputs[last]!,
      inputGradient: inputGradient ? backward.gradients[graph.input.index] : nil,
      tally: TrainingTally(nodes: backward.rows), gradients: backward.parameterGradients)
  }
}
