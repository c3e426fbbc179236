import X3DModel

/// Training activation memory: the bytes autograd saves for backward during one training forward pass, each
/// tensor counted once however many nodes keep it. Parameters and BatchNorm running statistics are not counted.
public struct TrainingActivations: Sendable {
  public let elementType: ElementType
  public let implementation: ImplementationVariant
  private var live: [(index: Int, bytes: Int, copies: Int, readersLeft: Int, saved: Bool)] = []
  private var savedBytes = 0

  public init(elementType: ElementType, implementation: ImplementationVariant) {
    self.elementType = elementType
    self.implementation = implementation
    live.reserveCapacity(8)
  }

  /// Accounts for one node. `outputElements · elementType.byteCount` must not overflow (``InferencePeak`` checks
  /// it first).
  public mutating func run(_ node: LayerNode, outputElements: Int) throws(ConfigurationError) {
    let saves = TrainingSaves.of(node, implementation, elementType)
    if let first = node.inputs.first { try release(first, saved: saves.firstInput, node) }
    if let second = node.inputs.second { try release(second, saved: saves.secondInput, node) }
    try add(saves.privateBytes, copies: node.repeatCount, node)
    let readers = node.consumerCount == 0 ? Int.max : node.consumerCount
    live.append((node.index, outputElements * elementType.byteCount, node.repeatCount, readers, saves.output))
  }

  /// Total saved bytes; counts the tensors still live (the network's output).
  public var totalBytes: Int {
    live.reduce(savedBytes) { $0 + ($1.saved ? $1.bytes * $1.copies : 0) }
  }

  private mutating func release(_ index: Int, saved: Bool, _ node: LayerNode) throws(ConfigurationError) {
    guard let position = live.firstIndex(where: { $0.index == index }) else { return }
    if saved { live[position].saved = true }
    live[position].readersLeft -= 1
    if live[position].readersLeft == 0 {
      live.swapAt(position, live.count - 1)
      let tensor = live.removeLast()
      if tensor.saved { try add(tensor.bytes, copies: tensor.copies, node) }
    }
  }

  private mutating func add(_ bytes: Int, copies: Int, _ node: LayerNode) throws(ConfigurationError) {
    let (total, overflowed) = bytes.multipliedReportingOverflow(by: copies)
    let (sum, overflowedSum) = savedBytes.addingReportingOverflow(total)
    if overflowed || overflowedSum {
      throw .overflow(node: node.path.description, quantity: "training activation bytes")
    }
    savedBytes = sum
  }
}
