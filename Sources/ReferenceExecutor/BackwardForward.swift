import X3DModel

/// The forward half of a ``TrainingStep``: every node's output kept for backward (the reference executor keeps
/// them all; what autograd keeps is the cost model's TrainingSaves), BatchNorm's batch statistics kept per node.
struct TrainingForward {
  let graph: LayerGraph
  let weights: ModelWeights
  var outputs: [Tensor?]
  var statistics: [Int: BackwardNorm.Statistics] = [:]
  var rows: [TrainingNodeTally]

  init(graph: LayerGraph, weights: ModelWeights) {
    self.graph = graph
    self.weights = weights
    outputs = [Tensor?](repeating: nil, count: graph.nodes.count)
    rows = graph.nodes.map { TrainingNodeTally(index: $0.index, path: $0.path) }
  }

  mutating func run(_ clip: Tensor) throws(ExecutorError) {
    for node in graph.nodes {
      var counter = TrainingCounter()
      outputs[node.index] = try forward(node, clip, &counter)
      rows[node.index].counter = counter
    }
  }

  /// The output of the node's input number `position`.
  func argument(_ node: LayerNode, _ position: Int) throws(ExecutorError) -> Tensor {
    let sources = Array(node.inputs)
    guard position < sources.count, let tensor = outputs[sources[position]] else {
      throw .shapeMismatch(node: node.path.description, reason: "input \(position + 1) is missing")
    }
    return tensor
  }

  private mutating func forward(_ node: LayerNode, _ clip: Tensor, _ c: inout TrainingCounter)
    throws(ExecutorError) -> Tensor
  {
    switch node.kind {
    case .input:
      return clip
    case .convolution(let conv):
      return BackwardConvolution.forward(
        try argument(node, 0), conv, try Self.layerWeights(weights, node, conv.hasBias), &c)
    case .linear(let linear):
      return BackwardLinear.forward(
        try argument(node, 0), linear, try Self.layerWeights(weights, node, linear.hasBias), &c)
    case .batchNorm:
      let (scale, shift) = try Self.normWeights(weights, node)
      let (y, statistics) = BackwardNorm.forward(try argument(node, 0), scale: scale, shift: shift, &c)
      self.statistics[node.index] = statistics
      return y
    case .relu:
      return BackwardActivations.relu(try argument(node, 0), &c)
    case .swish:
      return BackwardActivations.swish(try argument(node, 0), &c)
    case .sigmoid:
      return BackwardActivations.sigmoid(try argument(node, 0), &c)
    case .globalAveragePool, .positionMean:
      return BackwardPooling.rowMean(try argument(node, 0), to: node.outputShape, &c)
    case .channelScale:
      return BackwardPooling.channelScale(try argument(node, 0), try argument(node, 1), &c)
    case .residualAdd:
      return BackwardPooling.add(try argument(node, 0), try argument(node, 1), &c)
    case .averagePool(let kernel):
      return BackwardPooling.averagePool(try argument(node, 0), kernel: kernel, &c)
    case .softmax:
      return BackwardLoss.softmax(try argument(node, 0), &c)
    }
  }

  /// A convolution's or linear layer's weight and bias, checked against the graph's expectation.
  static func layerWeights(_ weights: ModelWeights, _ node: LayerNode, _ hasBias: Bool) throws(ExecutorError)
    -> LayerWeights
  {
    guard let weight = weights.tensor(node: node.index, .weight) else {
      throw .shapeMismatch(node: node.path.description, reason: "weight missing")
    }
    let bias = weights.tensor(node: node.index, .bias)
    if hasBias && bias == nil { throw .shapeMismatch(node: node.path.description, reason: "bias missing") }
    return LayerWeights(weight: weight, bias: hasBias ? bias : nil)
  }

  /// BatchNorm's γ and β.
  static func normWeights(_ weights: ModelWeights, _ node: LayerNode) throws(ExecutorError) -> ([Float], [Float]) {
    let channels = node.inputShape.channels
    guard let scale = weights.tensor(node: node.index, .weight), let shift = weights.tensor(node: node.index, .bias),
      scale.count == channels, shift.count == channels
    else { throw .shapeMismatch(node: node.path.description, reason: "BatchNorm γ, β missing or not of \(channels)") }
    return (scale, shift)
  }
}
