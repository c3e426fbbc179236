import X3DModel

/// The training cost of a whole network: ``TrainingCost`` summed over every node, each node times its
/// ``LayerNode/repeatCount``. A ``LayerSink``, so it prices a graph as the builder emits it without storing it.
///
/// Fed every block (``Granularity/everyBlock``) and counting gradient sums with its own ``GradientSums``: an
/// independent walk of the full graph, which the tests hold equal to the ``CostField/trainingFlops`` totals of
/// ``CostReport`` and ``TotalsEvaluator`` (distinct blocks priced once and multiplied).
public struct TrainingTotals: LayerSink, Sendable {
  public private(set) var cost = TrainingCost()
  /// The node index of the input clip, the one tensor that needs no gradient.
  private var clipIndex: Int? = nil
  private var sums = GradientSums()

  public init() {}

  /// The totals of `configuration`.
  public init(_ configuration: ModelConfiguration) throws(ConfigurationError) {
    let builder = try X3DBuilder(configuration)
    try builder.emit(into: &self, granularity: .everyBlock)
  }

  public mutating func receive(_ node: LayerNode) throws(ConfigurationError) {
    if TrainingFormulas.isClip(node) { clipIndex = node.index }
    let needsGradient = node.inputs.first.map { $0 != clipIndex } ?? false
    let one = try TrainingFormulas.cost(
      of: node, inputNeedsGradient: needsGradient, gradientSums: try sums.run(node))
    try add(one, copies: node.repeatCount, path: node.path)
  }

  private mutating func add(_ one: TrainingCost, copies: Int, path: NodePath) throws(ConfigurationError) {
    let checked = Checked(path: path)
    cost.forwardMACs = try checked.sum(cost.forwardMACs, checked.product(one.forwardMACs, copies))
    cost.inputGradientMACs = try checked.sum(
      cost.inputGradientMACs, checked.product(one.inputGradientMACs, copies))
    cost.weightGradientMACs = try checked.sum(
      cost.weightGradientMACs, checked.product(one.weightGradientMACs, copies))
    cost.forwardElementwiseFlops = try checked.sum(
      cost.forwardElementwiseFlops, checked.product(one.forwardElementwiseFlops, copies))
    cost.backwardElementwiseFlops = try checked.sum(
      cost.backwardElementwiseFlops, checked.product(one.backwardElementwiseFlops, copies))
    // The totals of `flops` must fit too.
    _ = try checked.sum(
      checked.product(2, checked.sum(cost.forwardMACs, checked.sum(cost.inputGradientMACs, cost.weightGradientMACs))),
      checked.sum(cost.forwardElementwiseFlops, cost.backwardElementwiseFlops))
  }

  /// One ``TrainingCost`` per node of `graph`, in execution order.
  public static func rows(_ graph: LayerGraph) throws(ConfigurationError) -> [TrainingCost] {
    var clipIndex: Int? = nil
    var sums = GradientSums()
    var rows: [TrainingCost] = []
    rows.reserveCapacity(graph.nodes.count)
    for node in graph.nodes {
      if TrainingFormulas.isClip(node) { clipIndex = node.index }
      let needsGradient = node.inputs.first.map { $0 != clipIndex } ?? false
      rows.append(
        try TrainingFormulas.cost(of: node, inputNeedsGradient: needsGradient, gradientSums: try sums.run(node)))
    }
    return rows
  }
}
