import X3DModel

/// The one table of per-layer formulas: each kind of node, its value of every per-node ``CostField`` (memory
/// traffic from ``MemoryTraffic``, the training step's multiply-adds and FLOPs from ``TrainingFormulas``). Pure
/// functions of the node's kind and shapes, every product overflow-checked. Per node, `macs = conv_macs +
/// linear_macs`, `fvcore_flops = macs + 2·bn_elements` (both derived, ``CostField/derivation``) and `params_no_bn =
/// params − BatchNorm's γ, β`, so every network figure is a plain sum over nodes.
///
/// | kind | MACs | parameters | full FLOPs (besides 2·MACs) |
/// |---|---|---|---|
/// | convolution | `Cout·(Cin/g)·kt·kh·kw·N·To·Ho·Wo` | `Cout·(Cin/g)·kt·kh·kw` (+ `Cout` bias) | bias: 1 per output |
/// | linear | `N·positions·in·out` | `in·out + out` | bias: 1 per output |
/// | batch norm | – | `2·C` (γ, β) | 2 per element (folded scale and shift) |
/// | relu | – | – | 1 per element |
/// | sigmoid | – | – | 4 per element (negate, exp, add, divide) |
/// | swish | – | – | 5 per element (sigmoid, multiply) |
/// | global / window average pool, position mean | – | – | window size per output (adds, one divide) |
/// | scale, residual add | – | – | 1 per output element |
/// | softmax | – | – | 3 per element (exp, sum, divide) |
public enum CostFormulas {
  /// The cost of one copy of `node`. Always inlined: where the builder emits a node of a known kind, the switch
  /// folds to that kind's row.
  ///
  /// - Parameters:
  ///   - elementType: the element type of the memory-traffic fields (``MemoryTraffic``).
  ///   - readsClip: whether the node reads the input clip, which needs no gradient (the training fields,
  ///     ``TrainingFormulas``).
  ///   - gradientSums: the elements of the node's inputs that a later node reads too, whose gradient sums
  ///     `training_flops` counts on this node (``GradientSums``).
  @inline(__always)
  public static func cost(
    of node: LayerNode, elementType: ElementType = .f32, readsClip: Bool = false, gradientSums: Int = 0
  ) throws(ConfigurationError) -> LayerCost {
    try costAndTraffic(of: node, elementType: elementType, readsClip: readsClip, gradientSums: gradientSums).cost
  }

  /// ``cost(of:elementType:readsClip:gradientSums:)`` and the node's ``MemoryTraffic`` (whose bytes it holds), from
  /// one switch over the node's kind: the traffic rows of ``MemoryTraffic``'s table are the `traffic` lines below.
  @inline(__always)
  static func costAndTraffic(of node: LayerNode, elementType: ElementType, readsClip: Bool, gradientSums: Int)
    throws(ConfigurationError) -> (cost: LayerCost, traffic: MemoryTraffic)
  {
    let checked = Checked(path: node.path)
    var cost = LayerCost()
    let output = try checked.elements(of: node, output: true)
    let input = try checked.elements(of: node, output: false)
    cost[.outputElements] = output
    var traffic = MemoryTraffic()
    traffic.elementBytes = elementType.byteCount
    traffic.elementsWritten = output
    traffic.activationElementsRead = input
    // The kind's elementwise FLOPs of a training step (``TrainingFormulas``' table), forward and backward.
    var step = (forward: 0, backward: 0)
    switch node.kind {
    case .input:
      traffic.activationElementsRead = 0
    case .convolution(let conv):
      let taps = try checked.product(
        conv.inChannels / conv.groups, conv.kernel.t, conv.kernel.h, conv.kernel.w)
      let weights = try checked.product(conv.outChannels, taps)
      let macs = try checked.product(output, taps)
      cost[.params] = try checked.sum(weights, conv.hasBias ? conv.outChannels : 0)
      cost[.paramsNoBN] = cost[.params]
      cost[.convMacs] = macs
      cost[.macs] = macs
      cost[.activations] = output
      cost[.flops] = try checked.sum(checked.product(2, macs), conv.hasBias ? output : 0)
      if !MemoryTraffic.readsEveryPosition(conv) {
        traffic.activationElementsRead = try MemoryTraffic.positionsRead(by: conv, node, checked)
      }
      traffic.parameterElementsRead = cost[.params]
      step = TrainingFormulas.bias(conv.hasBias, output: output)
    case .linear(let linear):
      let macs = try checked.product(output, linear.inFeatures)
      cost[.params] = try checked.sum(
        checked.product(linear.inFeatures, linear.outFeatures),
        linear.hasBias ? linear.outFeatures : 0)
      cost[.paramsNoBN] = cost[.params]
      cost[.macs] = macs
      cost[.activations] = output
      cost[.flops] = try checked.sum(checked.product(2, macs), linear.hasBias ? output : 0)
      traffic.parameterElementsRead = cost[.params]
      step = TrainingFormulas.bias(linear.hasBias, output: output)
    case .batchNorm:
      // γ and β are parameters of the model zoos, not of the paper; fvcore charges 2 per normalised element.
      cost[.params] = try checked.product(2, node.inputShape.channels)
      cost[.bnElements] = input
      cost[.flops] = try checked.product(2, input)
      // γ, β, running mean and running variance.
      traffic.parameterElementsRead = try checked.product(2, cost[.params])
      step = try TrainingFormulas.batchNorm(input: input, checked)
    case .relu:
      cost[.flops] = output
      step = TrainingFormulas.relu(output: output)
    case .channelScale:
      cost[.flops] = output
      traffic.activationElementsRead = try checked.sum(
        input, checked.product(node.inputShape.batch, node.inputShape.channels))
      step = try TrainingFormulas.channelScale(output: output, checked)
    case .residualAdd:
      cost[.flops] = output
      traffic.activationElementsRead = try checked.product(2, input)
      step = TrainingFormulas.residualAdd(output: output)
    case .sigmoid:
      cost[.flops] = try checked.product(4, output)
      step = try TrainingFormulas.sigmoid(output: output, checked)
    case .swish:
      cost[.flops] = try checked.product(5, output)
      step = try TrainingFormulas.swish(output: output, checked)
    case .softmax:
      cost[.flops] = try checked.product(3, output)
      step = try TrainingFormulas.softmax(output: output, checked)
    case .globalAveragePool, .positionMean:
      cost[.flops] = input
      step = TrainingFormulas.mean(input: input)
    case .averagePool(let kernel):
      cost[.flops] = try checked.product(output, kernel.volume)
      traffic.activationElementsRead = try MemoryTraffic.positionsRead(by: kernel, node, checked)
      step = try TrainingFormulas.averagePool(output: output, window: kernel.volume, checked)
    }
    (cost[.bytesRead], cost[.bytesWritten]) = try traffic.checkedBytes(checked)
    // A training step: the forward multiply-adds and their two gradients (``TrainingFormulas``).
    let gradients = TrainingFormulas.gradientMACs(forward: cost[.macs], inputNeedsGradient: !readsClip)
    cost[.trainingInputGradientMacs] = gradients.input
    cost[.trainingWeightGradientMacs] = gradients.weight
    // `training_macs` is derived (``CostField/derivation``); it must fit for the node, as for the network.
    let trainingMACs = try checked.sum(cost[.macs], checked.sum(gradients.input, gradients.weight))
    cost[.trainingFlops] = try TrainingFormulas.flops(
      of: node, step: step, trainingMACs: trainingMACs, gradientSums: gradientSums, checked)
    return (cost, traffic)
  }
}

/// Overflow-checked integer arithmetic that names the node when a count does not fit in 64 bits.
struct Checked {
  /// The node whose counts are computed, named in overflow errors.
  let path: NodePath

  /// `N·C·T·H·W` of `node`'s output (`output`) or first input shape.
  ///
  /// Counts in place and names the shape in the error only on the cold path: the node was stored a moment ago by
  /// the builder, field by field, and a copy of the shape (which the message would need) reads it back with wider
  /// loads, which wait for those stores to complete.
  @inline(__always)
  func elements(of node: borrowing LayerNode, output: Bool) throws(ConfigurationError) -> Int {
    let count = output ? try? node.outputShape.elementCount() : try? node.inputShape.elementCount()
    guard let count else { throw elementOverflow(node, output: output) }
    return count
  }

  @inline(never)
  private func elementOverflow(_ node: borrowing LayerNode, output: Bool) -> ConfigurationError {
    overflow("element count of \(output ? node.outputShape : node.inputShape)")
  }

  @inline(__always)
  func product(_ a: Int, _ b: Int) throws(ConfigurationError) -> Int {
    let (value, overflowed) = a.multipliedReportingOverflow(by: b)
    if overflowed { throw overflow("the product \(a)·\(b)") }
    return value
  }

  @inline(__always)
  func product(_ a: Int, _ b: Int, _ c: Int, _ d: Int) throws(ConfigurationError) -> Int {
    try product(product(a, b), product(c, d))
  }

  @inline(__always)
  func sum(_ a: Int, _ b: Int) throws(ConfigurationError) -> Int {
    let (value, overflowed) = a.addingReportingOverflow(b)
    if overflowed { throw overflow("the sum \(a) + \(b)") }
    return value
  }

  private func overflow(_ quantity: String) -> ConfigurationError {
    .overflow(node: path.description, quantity: quantity)
  }
}
