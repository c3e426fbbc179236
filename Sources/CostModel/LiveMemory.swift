import X3DModel

/// The two memory figures that follow tensors through the execution order, from one walk over the live tensors:
///
/// - **inference peak** (``peakBytes``): the largest total of live tensors. The input clip is live from the start;
///   while a node runs, its inputs and its output are live together (no operation is in place); a tensor is freed
///   right after its last reader has run; the network's output stays live. Parameters and buffers are not counted.
/// - **training activations** (``trainingBytes``): the bytes autograd saves for backward during one training
///   forward pass (``TrainingSaves``: which inputs or outputs a node keeps, and its private buffers), each tensor
///   counted once however many nodes keep it, times the copies of the node that made it. Parameters and BatchNorm
///   running statistics are not counted.
///
/// Bytes = elements · element size (docs/memory.md).
public struct LiveMemory: Sendable {
  public let elementType: ElementType
  public let implementation: ImplementationVariant
  /// Live tensors: producing node, bytes (one copy), copies, readers still to run, whether backward keeps it. A
  /// handful at any time in X3D.
  private var live = LiveTensors()
  private var liveBytes = 0
  /// The largest total of live tensors so far.
  public private(set) var peakBytes = 0
  /// Saved bytes of tensors already freed, and private buffers.
  private var savedBytes = 0

  public init(elementType: ElementType, implementation: ImplementationVariant) {
    self.elementType = elementType
    self.implementation = implementation
  }

  /// Accounts for one node whose output has `outputElements` elements.
  public mutating func run(_ node: LayerNode, outputElements: Int) throws(ConfigurationError) {
    _ = try run(
      index: node.index, inputs: node.inputs, consumerCount: node.consumerCount, copies: node.repeatCount,
      saves: TrainingSaves.of(node, implementation, elementType), outputElements: outputElements, path: node.path)
  }

  /// ``run(_:outputElements:)`` given only what it reads of the node, and what the node saves. Returns the output's
  /// bytes, and the elements of the node's inputs that a later node reads too (``GradientSums``: the readers still
  /// to run are this walk's to know).
  @inline(__always)
  mutating func run(
    index: Int, inputs: NodeInputs, consumerCount: Int, copies: Int, saves: TrainingSaves, outputElements: Int,
    path: NodePath
  ) throws(ConfigurationError) -> (outputBytes: Int, gradientSums: Int) {
    let (bytes, overflowed) = outputElements.multipliedReportingOverflow(by: elementType.byteCount)
    if overflowed { throw .overflow(node: path.description, quantity: "output bytes") }
    peakBytes = max(peakBytes, liveBytes + bytes)
    var sharedBytes = 0
    if let first = inputs.first { sharedBytes += try release(first, saved: saves.firstInput, path) }
    if let second = inputs.second { sharedBytes += try release(second, saved: saves.secondInput, path) }
    if saves.privateBytes != 0 { try save(saves.privateBytes, copies: copies, path) }
    let readers = consumerCount == 0 ? Int.max : consumerCount
    live.append(
      LiveTensor(index: index, bytes: bytes, copies: copies, readersLeft: readers, saved: saves.output))
    liveBytes += bytes
    return (bytes, sharedBytes == 0 ? 0 : sharedBytes / elementType.byteCount)
  }

  /// Total saved bytes, counting the tensors still live (the network's output).
  public var trainingBytes: Int {
    savedBytes + live.sum { $0.saved ? $0.bytes * $0.copies : 0 }
  }

  /// One reader of node `index`'s output has run (and keeps it for backward when `saved`). Returns the tensor's
  /// bytes if a later node reads it too, else 0.
  @inline(__always)
  private mutating func release(_ index: Int, saved: Bool, _ path: NodePath) throws(ConfigurationError) -> Int {
    guard let position = live.position(of: index) else { return 0 }
    var tensor = live[position]
    if saved { tensor.saved = true }
    tensor.readersLeft -= 1
    if tensor.readersLeft == 0 {
      liveBytes -= tensor.bytes
      _ = live.remove(at: position)
      if tensor.saved { try save(tensor.bytes, copies: tensor.copies, path) }
      return 0
    }
    live[position] = tensor
    return tensor.bytes
  }

  @inline(__always)
  private mutating func save(_ bytes: Int, copies: Int, _ path: NodePath) throws(ConfigurationError) {
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
