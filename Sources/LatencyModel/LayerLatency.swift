import CostModel
import X3DModel

/// One row of a per-layer latency report: the node's traffic and its predicted time.
public struct LayerLatency: Hashable, Sendable {
  public var traffic: MemoryTraffic
  public var prediction: NodePrediction
}

extension Roofline {
  /// A prediction for every row of a per-layer report, in order (the input clip: no time).
  ///
  /// Block `j ≥ 3` of a stage repeats block `j − 2` node for node (the same kinds and shapes; SE alternates with
  /// period two), so its rows reuse the predictions of that block, found by the rows' offset between the two
  /// blocks' starts; a row whose module or shapes differ from the row it would reuse is computed afresh (within a
  /// block, the module and the shapes determine the kind).
  public func predict(rows: [LayerRow]) throws(ConfigurationError) -> [LayerLatency] {
    var result: [LayerLatency] = []
    result.reserveCapacity(rows.count)
    // Start row of the current block and of the two before it, within the current stage.
    var starts: (previous2: Int, previous: Int, current: Int) = (-1, -1, -1)
    var current: (stage: StageID, block: Int) = (.input, -1)
    // Rows are read in place through the buffer: a `LayerNode` is a few hundred bytes, and copying two per row
    // would cost more than the prediction.
    try rows.withUnsafeBufferPointer { (rows) throws(ConfigurationError) in
      for index in rows.indices {
        let path = rows[index].node.path
        if let block = path.block {
          if path.stage != current.stage || block != current.block {
            starts = path.stage == current.stage ? (starts.previous, starts.current, index) : (-1, -1, index)
            current = (path.stage, block)
          }
          if block >= 3, starts.previous2 >= 0 {
            let source = index - (starts.current - starts.previous2)
            if rows[source].node.path.component == path.component,
              rows[source].node.inputShape == rows[index].node.inputShape,
              rows[source].node.outputShape == rows[index].node.outputShape
            {
              result.append(result[source])
              continue
            }
          }
        }
        result.append(try fresh(rows[index].node, fullFlops: rows[index].cost[.flops]))
      }
    }
    return result
  }

  private func fresh(_ node: LayerNode, fullFlops: Int) throws(ConfigurationError) -> LayerLatency {
    let traffic = try MemoryTraffic.of(node, elementType: elementType)
    let prediction =
      NodeClass(node).map { predict(flops: fullFlops, bytes: traffic.bytes, nodeClass: $0) } ?? .none
    return LayerLatency(traffic: traffic, prediction: prediction)
  }
}
