import CostModel

/// The text columns of a configuration's `layers` rows (name, kind, stage, input shape, output shape, geometry),
/// formatted on the thread that evaluated the configuration, so the writing thread only binds them: formatting them
/// there took about a fifth of a per-layer sweep's writer. One buffer of UTF-8 for all of a configuration's rows.
struct LayerTexts: Sendable {
  /// Text columns per layer row.
  static let columns = 6

  private var bytes: [UInt8] = []
  /// Where each text ends in ``bytes``: ``columns`` per layer, in row order.
  private var ends: [Int] = []

  init(_ layers: [LayerRow]) {
    ends.reserveCapacity(layers.count * Self.columns)
    bytes.reserveCapacity(layers.count * 96)
    for layer in layers {
      for text in [
        layer.name, layer.kind, layer.node.path.stage.name, layer.node.inputShape.description,
        layer.node.outputShape.description, layer.geometry,
      ] {
        bytes.append(contentsOf: text.utf8)
        ends.append(bytes.count)
      }
    }
  }

  /// The layer rows it holds texts for.
  var count: Int { ends.count / Self.columns }

  /// Calls `body` with the buffer and the texts' end offsets.
  func withTexts<R>(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<Int>) throws -> R) rethrows -> R {
    try bytes.withUnsafeBufferPointer { bytes in try ends.withUnsafeBufferPointer { try body(bytes, $0) } }
  }
}
