import X3DModel

/// A layer sink that prices each node as the builder emits it and sums the network's totals, without storing
/// the graph (``FullGraphSink`` keeps rows around one).
public struct CostAccumulator: LayerSink, Sendable {
  /// The sums so far; the memory figures are filled in when ``totals`` is read.
  private var sums = CostTotals()
  private var peak: InferencePeak
  private var training: TrainingActivations
  /// The index of the input clip once received (a segment's stand-in input is not the clip).
  private var clipIndex = -1

  public init(elementType: ElementType, implementation: ImplementationVariant) {
    peak = InferencePeak(elementType: elementType)
    training = TrainingActivations(elementType: elementType, implementation: implementation)
  }

  /// The network's totals over the nodes received so far.
  public var totals: CostTotals {
    var totals = sums
    totals[.inferencePeakBytes] = peak.peakBytes
    totals[.trainingActivationBytes] = training.totalBytes
    return totals
  }

  /// Always inlined into the builder: each call site knows its node's kind, so the formula table's switch and the
  /// memory rules fold to that kind's case.
  @inline(__always)
  public mutating func receive(_ node: LayerNode) throws(ConfigurationError) {
    let cost = try track(node, copies: node.repeatCount)
    try add(cost, copies: node.repeatCount, node.path)
  }

  /// Prices `node` and runs the memory trackers, counting `copies` copies of it for training memory.
  @inline(__always)
  mutating func track(_ node: LayerNode, copies: Int) throws(ConfigurationError) -> LayerCost {
    if TrainingFormulas.isClip(node) { clipIndex = node.index }
    var cost = try CostFormulas.cost(
      of: node, elementType: peak.elementType, readsClip: clipIndex >= 0 && node.inputs.first == clipIndex)
    let (outputBytes, gradientSums) = try peak.run(
      index: node.index, inputs: node.inputs, consumerCount: node.consumerCount,
      outputElements: cost[.outputElements],
      path: node.path)
    if gradientSums > 0 {
      // The gradient sums of `training_flops` (``GradientSums``): the liveness tracker knows them once it has run
      // the node. Added as ``CostFormulas/cost(of:elementType:readsClip:gradientSums:)`` adds them; asking the
      // tracker before pricing kept the formula table out of line here (callgrind: 1% more instructions).
      cost[.trainingFlops] = try Checked(path: node.path).sum(cost[.trainingFlops], gradientSums)
    }
    try training.run(
      index: node.index, inputs: node.inputs, consumerCount: node.consumerCount,
      copies: copies,
      saves: TrainingSaves.of(node, training.implementation, training.elementType),
      outputBytes: outputBytes,
      path: node.path)
    return cost
  }

  /// Adds `copies` copies of `cost` to the sums.
  @inline(__always)
  mutating func add(_ cost: LayerCost, copies: Int, _ path: NodePath) throws(ConfigurationError) {
    guard sums.add(cost, copies: copies) else {
      throw .overflow(node: path.description, quantity: "a network sum")
    }
  }

  /// Lets the live tensor of node `from` stand for node `to`'s output in both memory trackers.
  mutating func relabel(_ from: Int, as to: Int, readers: Int) {
    peak.relabel(from, as: to, readers: readers)
    training.relabel(from, as: to, readers: readers)
  }
}
