import X3DModel

/// Inference peak memory: the largest total of live tensors over the execution order.
///
/// Rules (docs/memory.md): the input clip is live from the start; while a node runs, its inputs and its output are
/// live together (no operation is in place); a tensor is freed right after its last reader has run; the network's
/// output stays live. Parameters and buffers are not counted. Bytes = elements · element size.
public struct InferencePeak: Sendable {
  public let elementType: ElementType
  /// Live tensors: producing node, bytes, readers still to run. A handful at any time in X3D.
  private var live = LiveTensors()
  private var liveBytes = 0
  public private(set) var peakBytes = 0

  public init(elementType: ElementType) {
    self.elementType = elementType
  }

  /// Accounts for one node; `outputElements` is its output's element count.
  public mutating func run(_ node: LayerNode, outputElements: Int) throws(ConfigurationError) {
    _ = try run(
      index: node.index, inputs: node.inputs, consumerCount: node.consumerCount,
      outputElements: outputElements,
      path: node.path)
  }

  /// ``run(_:outputElements:)`` given only what it reads of the node; returns the output's bytes and the
  /// elements of the node's inputs that a later node reads too (``GradientSums``: the readers still to run are
  /// this tracker's to know).
  @inline(__always)
  mutating func run(
    index: Int, inputs: NodeInputs, consumerCount: Int, outputElements: Int, path: NodePath
  )
    throws(ConfigurationError) -> (outputBytes: Int, gradientSums: Int)
  {
    let (bytes, overflowed) = outputElements.multipliedReportingOverflow(by: elementType.byteCount)
    if overflowed { throw .overflow(node: path.description, quantity: "output bytes") }
    peakBytes = max(peakBytes, liveBytes + bytes)
    var sharedBytes = 0
    if let first = inputs.first { sharedBytes += release(first) }
    if let second = inputs.second { sharedBytes += release(second) }
    let readers = consumerCount == 0 ? Int.max : consumerCount
    live.append(
      LiveTensor(index: index, bytes: bytes, copies: 1, readersLeft: readers, saved: false))
    liveBytes += bytes
    return (bytes, sharedBytes == 0 ? 0 : sharedBytes / elementType.byteCount)
  }

  /// One read of the tensor of node `index`; returns its bytes if a later node reads it too, else 0.
  @inline(__always)
  private mutating func release(_ index: Int) -> Int {
    guard let position = live.position(of: index) else { return 0 }
    var tensor = live[position]
    tensor.readersLeft -= 1
    if tensor.readersLeft == 0 {
      liveBytes -= tensor.bytes
      _ = live.remove(at: position)
      return 0
    }
    live[position] = tensor
    return tensor.bytes
  }

  /// Lets the live tensor of node `from` stand for node `to`'s output, with `readers` readers to come (a full
  /// graph's repeated blocks: see `FullGraphSink`).
  mutating func relabel(_ from: Int, as to: Int, readers: Int) {
    live.relabel(from, as: to, readers: readers)
  }
}
