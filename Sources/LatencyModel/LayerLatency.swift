import CostModel
import X3DModel

/// One row of a per-layer latency report: the node's traffic and its predicted time.
public struct LayerLatency: Hashable, Sendable {
  public var traffic: MemoryTraffic
  public var prediction: NodePrediction
}

extension Roofline {
  /// A prediction for every row of a per-layer report, in order (the input clip: no time).
  public func predict(rows: [LayerRow]) throws(ConfigurationError) -> [LayerLatency] {
    var result: [LayerLatency] = []
    result.reserveCapacity(rows.count)
    for row in rows {
      let traffic = try MemoryTraffic.of(row.node, elementType: elementType)
      let prediction =
        NodeClass(row.node).map { predict(flops: row.cost.fullFlops, bytes: traffic.bytes, nodeClass: $0) } ?? .none
      result.append(LayerLatency(traffic: traffic, prediction: prediction))
    }
    return result
  }
}
