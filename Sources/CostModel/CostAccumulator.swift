import X3DModel

/// A layer sink that prices each node as the builder emits it and sums the network's totals, without storing
/// the graph. With `keepsRows` it also keeps one ``LayerRow`` per node.
public struct CostAccumulator: LayerSink, Sendable {
  public private(set) var totals = CostTotals()
  public private(set) var rows: [LayerRow] = []
  public let keepsRows: Bool
  private var peak: InferencePeak
  private var training: TrainingActivations

  public init(elementType: ElementType, implementation: ImplementationVariant, keepsRows: Bool = false) {
    self.keepsRows = keepsRows
    peak = InferencePeak(elementType: elementType)
    training = TrainingActivations(elementType: elementType, implementation: implementation)
  }

  public mutating func receive(_ node: LayerNode) throws(ConfigurationError) {
    let cost = try CostFormulas.cost(of: node)
    try peak.run(node, outputElements: cost.outputElements)
    try training.run(node, outputElements: cost.outputElements)
    let copies = node.repeatCount
    let sum = Checked(path: node.path)
    totals.convMacs = try sum.accumulate(totals.convMacs, cost.convolutionMACs, copies)
    totals.linearMacs = try sum.accumulate(totals.linearMacs, cost.linearMACs, copies)
    totals.params = try sum.accumulate(totals.params, cost.parameterCount, copies)
    totals.paramsNoBN = try sum.accumulate(
      totals.paramsNoBN, cost.parameterCount - cost.batchNormParameterCount, copies)
    totals.bnElements = try sum.accumulate(totals.bnElements, cost.batchNormElements, copies)
    totals.activations = try sum.accumulate(totals.activations, cost.fvcoreActivationCount, copies)
    totals.flops = try sum.accumulate(totals.flops, cost.fullFlops, copies)
    totals.macs = try sum.sum(totals.convMacs, totals.linearMacs)
    totals.inferencePeakBytes = peak.peakBytes
    totals.trainingActivationBytes = training.totalBytes
    if keepsRows { rows.append(LayerRow(node: node, cost: cost)) }
  }
}

extension Checked {
  /// `total + value·copies`, overflow-checked.
  @inline(__always)
  func accumulate(_ total: Int, _ value: Int, _ copies: Int) throws(ConfigurationError) -> Int {
    try sum(total, product(value, copies))
  }
}
