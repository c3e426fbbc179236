import X3DModel

/// Training activation memory: the bytes autograd saves for backward during one training forward pass, each
/// tensor counted once however many nodes keep it. Parameters and BatchNorm running statistics are not counted.
public struct TrainingActivations: Sendable {
  public let elementType: ElementType
  public let implementation: ImplementationVariant
  private var live = LiveTensors()
  private var savedBytes = 0

  public init(elementType: ElementType, implementation: ImplementationVariant) {
    self.elementType = elementType
    self.implementation = implementation
  }

  /// Accounts for one node. `outputElements · elementType.byteCount` must not overflow (``InferencePeak`` checks
  /// it first).
  public mutating func run(_ node: LayerNode, outputElements: Int) throws(ConfigurationError) {
    try run(
      index: node.index, inputs: node.inputs, consumerCount: node.consumerCount,
      copies: node.repeatCount,
      saves: TrainingSaves.of(node, implementation, elementType),
      outputBytes: outputElements * elementType.byteCount,
      path: node.path)
  }

  /// ``run(_:outputElements:)`` given only what it reads of the node, and what the node saves.
  @inline(__always)
  mutating func run(
    index: Int, inputs: NodeInputs, consumerCount: Int, copies: Int, saves: TrainingSaves,
    outputBytes: Int,
    path: NodePath
  ) throws(ConfigurationError) {
    if let first = inputs.first { try release(first, saved: saves.firstInput, path) }
    if let second = inputs.second { try release(second, saved: saves.secondInput, path) }
    if saves.privateBytes != 0 { try add(saves.privateBytes, copies: copies, path) }
    let readers = consumerCount == 0 ? Int.max : consumerCount
    live.append(
      LiveTensor(
        index: index, bytes: outputBytes, copies: copies, readersLeft: readers, saved: saves.output)
    )
  }

  /// Total saved bytes; counts the tensors still live (the network's output).
  public var totalBytes: Int {
    var total = savedBytes
    var live = live
    live.forEach { total += $0.saved ? $0.bytes * $0.copies : 0 }
    return total
  }

  @inline(__always)
  private mutating func release(_ index: Int, saved: Bool, _ path: NodePath) throws(ConfigurationError) {
    guard let position = live.position(of: index) else { return }
    var tensor = live[position]
    if saved { tensor.saved = true }
    tensor.readersLeft -= 1
    if tensor.readersLeft == 0 {
      _ = live.remove(at: position)
      if tensor.saved { try add(tensor.bytes, copies: tensor.copies, path) }
    } else {
      live[position] = tensor
    }
  }

  @inline(__always)
  private mutating func add(_ bytes: Int, copies: Int, _ path: NodePath) throws(ConfigurationError) {
    let (total, overflowed) = bytes.multipliedReportingOverflow(by: copies)
    let (sum, overflowedSum) = savedBytes.addingReportingOverflow(total)
    if overflowed || overflowedSum {
      throw .overflow(node: path.description, quantity: "training activation bytes")
    }
    savedBytes = sum
  }

  /// Lets the live tensor of node `from` stand for node `to`'s output, with `readers` readers to come (a full
  /// graph's repeated blocks: see `FullGraphSink`).
  mutating func relabel(_ from: Int, as to: Int, readers: Int) {
    live.relabel(from, as: to, readers: readers)
  }
}
