import X3DModel

/// A layer sink that prices each node as the builder emits it and sums the network's totals, without storing
/// the graph (``FullGraphSink`` keeps rows around one).
public struct CostAccumulator: LayerSink, Sendable {
  /// The sums so far; the memory figures are filled in when ``totals`` is read.
  private(set) var sums = CostTotals()
  private var memory: LiveMemory
  /// The index of the input clip once received (a segment's stand-in input is not the clip).
  private var clipIndex = -1

  public init(elementType: ElementType, implementation: ImplementationVariant) {
    memory = LiveMemory(elementType: elementType, implementation: implementation)
  }

  /// The network's totals over the nodes received so far.
  public var totals: CostTotals {
    var totals = sums
    totals[.inferencePeakBytes] = memory.peakBytes
    totals[.trainingActivationBytes] = memory.trainingBytes
    return totals
  }

  /// Always inlined into the builder: each call site knows its node's kind, so the formula table's switch and the
  /// memory rules fold to that kind's case.
  @inline(__always)
  public mutating func receive(_ node: LayerNode) throws(ConfigurationError) {
    let cost = try track(node, copies: node.repeatCount)
    try add(cost, copies: node.repeatCount, node.path)
  }

  /// Prices `node` and follows its tensors (``LiveMemory``), counting `copies` copies of it for training memory.
  @inline(__always)
  mutating func track(_ node: LayerNode, copies: Int) throws(ConfigurationError) -> LayerCost {
    if TrainingFormulas.isClip(node) { clipIndex = node.index }
    var cost = try CostFormulas.cost(
      of: node, elementType: memory.elementType, readsClip: clipIndex >= 0 && node.inputs.first == clipIndex)
    let gradientSums = try memory.run(
      index: node.index, inputs: node.inputs, consumerCount: node.consumerCount, copies: copies,
      saves: TrainingSaves.of(node, memory.implementation, memory.elementType),
      outputElements: cost[.outputElements], path: node.path
    ).gradientSums
    if gradientSums > 0 {
      // The gradient sums of `training_flops` (``GradientSums``): the liveness walk knows them once it has run the
      // node. Added as ``CostFormulas/cost(of:elementType:readsClip:gradientSums:)`` adds them; asking the walk
      // before pricing kept the formula table out of line here.
      cost[.trainingFlops] = try Checked(path: node.path).sum(cost[.trainingFlops], gradientSums)
    }
    return cost
  }

  /// Adds `copies` copies of `cost` to the sums.
  @inline(__always)
  mutating func add(_ cost: LayerCost, copies: Int, _ path: NodePath) throws(ConfigurationError) {
    switch copies {
    case 0: return  // a segment's stand-in input
    case 1:
      let union = sums.addReturningUnion(cost)
      if union < 0 || (union >= 1 << 61 && !sums.derivedFieldsFit) { throw Self.overflow(path) }
    default:
      if !sums.add(cost, copies: copies) || !sums.derivedFieldsFit { throw Self.overflow(path) }
    }
  }

  @inline(never)
  static func overflow(_ path: NodePath) -> ConfigurationError {
    .overflow(node: path.description, quantity: "a network sum")
  }

  /// Lets the live tensor of node `from` stand for node `to`'s output.
  mutating func relabel(_ from: Int, as to: Int, readers: Int) {
    memory.relabel(from, as: to, readers: readers)
  }
}
