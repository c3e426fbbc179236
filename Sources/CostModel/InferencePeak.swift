import X3DModel

/// Inference peak memory: the largest total of live tensors over the execution order.
///
/// Rules (docs/memory.md): the input clip is live from the start; while a node runs, its inputs and its output are
/// live together (no operation is in place); a tensor is freed right after its last reader has run; the network's
/// output stays live. Parameters and buffers are not counted. Bytes = elements · element size.
public struct InferencePeak: Sendable {
  public let elementType: ElementType
  /// Live tensors: producing node, bytes, readers still to run. A handful at any time in X3D.
  private var live: [(index: Int, bytes: Int, readersLeft: Int)] = []
  private var liveBytes = 0
  public private(set) var peakBytes = 0

  public init(elementType: ElementType) {
    self.elementType = elementType
    live.reserveCapacity(8)
  }

  /// Accounts for one node; `outputElements` is its output's element count.
  public mutating func run(_ node: LayerNode, outputElements: Int) throws(ConfigurationError) {
    let (bytes, overflowed) = outputElements.multipliedReportingOverflow(by: elementType.byteCount)
    if overflowed { throw .overflow(node: node.path.description, quantity: "output bytes") }
    peakBytes = max(peakBytes, liveBytes + bytes)
    if let first = node.inputs.first { release(first) }
    if let second = node.inputs.second { release(second) }
    live.append((node.index, bytes, max(node.consumerCount, 1)))
    liveBytes += bytes
    if node.consumerCount == 0 { live[live.count - 1].readersLeft = Int.max }
  }

  private mutating func release(_ index: Int) {
    guard let position = live.firstIndex(where: { $0.index == index }) else { return }
    live[position].readersLeft -= 1
    if live[position].readersLeft == 0 {
      liveBytes -= live[position].bytes
      live.swapAt(position, live.count - 1)
      live.removeLast()
    }
  }
}
