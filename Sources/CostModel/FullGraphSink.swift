import X3DModel

/// The sink of a per-layer analysis: every node of the full graph gets its row, but repeated blocks are not priced
/// again (see ``RepeatedBlocks``): their rows take block j−2's costs, and the memory trackers follow the
/// distinct-block schedule. Totals equal those of a ``Granularity/distinctBlocks`` graph, which the tests hold
/// equal to the formula table applied to every node.
public struct FullGraphSink: LayerSink {
  var accumulator: CostAccumulator
  var repeated: RepeatedBlocks

  @inline(__always)
  public mutating func receive(_ node: LayerNode) throws(ConfigurationError) {
    let cost: LayerCost
    switch repeated.role(of: node) {
    case .repeat(let template):
      cost = template
      if let standIn = repeated.relabelling(after: node) {
        accumulator.relabel(standIn, as: node.index, readers: node.consumerCount)
      }
    case .track(let copies):
      cost = try accumulator.track(node, copies: copies)
      repeated.remember(node, cost)
    }
    try accumulator.add(cost, copies: node.repeatCount, node.path)
    accumulator.keepRow(node, cost)
  }
}
