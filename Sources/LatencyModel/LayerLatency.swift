import CostModel
import X3DModel

/// One row of a per-layer latency report: the node's compulsory traffic and its predicted time.
public struct LayerLatency: Hashable, Sendable {
  /// Bytes the node reads and writes on its own (``CostField/bytesRead`` + ``CostField/bytesWritten``).
  public var bytes: Int
  public var prediction: NodePrediction

  /// Full FLOPs per byte moved; zero when the node moves no bytes.
  public func arithmeticIntensity(flops: Int) -> Double { bytes == 0 ? 0 : Double(flops) / Double(bytes) }
}

extension Roofline {
  /// A prediction for every row of a per-layer report, in order (the input clip: no time). Each row's FLOPs and
  /// bytes are its cost fields, so a row costs a few arithmetic operations.
  public func predict(rows: [LayerRow]) -> [LayerLatency] {
    rows.map { row in
      let bytes = row.cost[.bytesRead] + row.cost[.bytesWritten]
      let prediction =
        NodeClass(row.node).map {
          predict(flops: row.cost[.flops], bytes: bytes, rowWidth: row.node.outputShape.width, nodeClass: $0)
        } ?? .none
      return LayerLatency(bytes: bytes, prediction: prediction)
    }
  }
}
