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
    // Written in place, one pass: the rows are large (a node and its costs), so the loop is bound by reading them.
    [LayerLatency](unsafeUninitializedCapacity: rows.count) { buffer, count in
      rows.withUnsafeBufferPointer { rows in
        for (position, row) in rows.enumerated() {
          let bytes = row.cost[.bytesRead] &+ row.cost[.bytesWritten]
          var prediction = NodePrediction.none
          if let nodeClass = NodeClass(row.node) {
            prediction = predict(
              flops: row.cost[.flops], bytes: bytes, rowWidth: row.node.outputShape.width, nodeClass: nodeClass)
          }
          (buffer.baseAddress! + position).initialize(to: LayerLatency(bytes: bytes, prediction: prediction))
        }
      }
      count = rows.count
    }
  }
}
