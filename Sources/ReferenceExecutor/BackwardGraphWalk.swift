import X3DModel

/// The backward half of a ``TrainingStep``: nodes in reverse execution order, each turning the gradient of its
/// output into gradients of its inputs and parameters. A gradient is freed once its node has used it.
struct TrainingBackward {
  let graph: LayerGraph
  let weights: ModelWeights
  let forward: TrainingForward
  var rows: [TrainingNodeTally]
  /// Whether the clip's gradient is computed too.
  let inputGradient: Bool
  var gradients: [Int: Tensor] = [:]
  var parameterGradients: [TrainingStep.Result.Key: [Float]] = [:]

  init(
    graph: LayerGraph, weights: ModelWeights, forward: TrainingForward, rows: [TrainingNodeTally], inputGradient: Bool
  ) {
    self.graph = graph
    self.weights = weights
    self.forward = forward
    self.rows = rows
    self.inputGradient = inputGradient
  }

  mutating func run(outputGradient: Tensor) throws(ExecutorError) {
    gradients[graph.output.index] = outputGradient
    for node in graph.nodes.reversed() {
      if case .input = node.kind { continue }
      guard let dy = gradients.removeValue(forKey: node.index) else { continue }
      try backward(node, dy)
    }
  }

  /// Whether the tensor `source` needs a gradient: everything but the clip, unless asked.
  private func needsGradient(_ source: Int) -> Bool {
    source != graph.input.index || inputGradient
  }

  /// Adds `gradient` to the gradient of node `source`'s output. Where a later reader of `source` delivered first,
  /// the addition is counted in `counter`, the delivering node's.
  private mutating func deliver(_ gradient: Tensor, to source: Int, _ counter: inout TrainingCounter) {
    if var sum = gradients.removeValue(forKey: source) {
      BackwardPooling.accumulate(&sum, gradient, &counter)
      gradients[source] = sum
    } else {
      gradients[source] = gradient
    }
  }

  private mutating func backward(_ node: LayerNode, _ dy: Tensor) throws(ExecutorError) {
    let sources = Array(node.inputs)
    let x = try forward.argument(node, 0)
    var c = rows[node.index].counter
    defer { rows[node.index].counter = c }
    let output = forward.outputs[node.index]!
    switch node.kind {
    case .input:
      return
    case .convolution(let conv):
      let w = try TrainingForward.layerWeights(weights, node, conv.hasBias)
      if needsGradient(sources[0]) {
        deliver(BackwardConvolution.inputGradient(dy, input: x.shape, conv, w.weight, &c), to: sources[0], &c)
      }
      let (dw, db) = BackwardConvolution.weightGradient(dy, x, conv, hasBias: conv.hasBias, &c)
      store(node, dw, db)
    case .linear(let linear):
      let w = try TrainingForward.layerWeights(weights, node, linear.hasBias)
      if needsGradient(sources[0]) {
        deliver(BackwardLinear.inputGradient(dy, input: x.shape, linear, w.weight, &c), to: sources[0], &c)
      }
      let (dw, db) = BackwardLinear.weightGradient(dy, x, linear, hasBias: linear.hasBias, &c)
      store(node, dw, db)
    case .batchNorm:
      let (scale, _) = try TrainingForward.normWeights(weights, node)
      let (dx, dScale, dShift) = BackwardNorm.backward(dy, x, scale: scale, forward.statistics[node.index]!, &c)
      store(node, dScale, dShift)
      deliver(dx, to: sources[0], &c)
    case .relu:
      deliver(BackwardActivations.reluBackward(dy, output: output, &c), to: sources[0], &c)
    case .swish:
      deliver(BackwardActivations.swishBackward(dy, input: x, &c), to: sources[0], &c)
    case .sigmoid:
      deliver(BackwardActivations.sigmoidBackward(dy, output: output, &c), to: sources[0], &c)
    case .globalAveragePool, .positionMean:
      deliver(BackwardPooling.rowMeanBackward(dy, input: x.shape, &c), to: sources[0], &c)
    case .averagePool(let kernel):
      deliver(BackwardPooling.averagePoolBackward(dy, input: x.shape, kernel: kernel, &c), to: sources[0], &c)
    case .channelScale:
      let (dx, dGate) = BackwardPooling.channelScaleBackward(dy, x, try forward.argument(node, 1), &c)
      deliver(dx, to: sources[0], &c)
      deliver(dGate, to: sources[1], &c)
    case .residualAdd:
      deliver(dy, to: sources[0], &c)
      deliver(dy, to: sources[1], &c)
    case .softmax:
      deliver(BackwardLoss.softmaxBackward(dy, output: output, &c), to: sources[0], &c)
    }
  }

  private mutating func store(_ node: LayerNode, _ weight: [Float], _ bias: [Float]?) {
    parameterGradients[.init(node: node.index, role: .weight)] = weight
    if let bias { parameterGradients[.init(node: node.index, role: .bias)] = bias }
  }
}
