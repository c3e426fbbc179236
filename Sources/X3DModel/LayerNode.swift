/// One node of the layer graph: what it computes, where it sits, what it reads and the shape it writes.
public struct LayerNode: Hashable, Sendable {
  /// Position in execution order (0 is the input clip).
  public var index: Int
  public var path: NodePath
  public var kind: LayerKind
  /// Indices of the nodes whose outputs this node reads, in argument order (at most two).
  public var inputs: NodeInputs
  /// Shape of the first input (the input node: its own output).
  public var inputShape: TensorShape
  public var outputShape: TensorShape
  /// How many later nodes read this node's output. Zero only for the network's output, which stays alive.
  public var consumerCount: Int
  /// How many identical copies of this node the network holds: 1 in a full graph; in a graph built with
  /// ``Granularity/distinctBlocks`` a representative block stands for all identical blocks of its stage.
  public var repeatCount: Int

  public init(
    index: Int, path: NodePath, kind: LayerKind, inputs: NodeInputs, inputShape: TensorShape,
    outputShape: TensorShape, consumerCount: Int, repeatCount: Int
  ) {
    self.index = index
    self.path = path
    self.kind = kind
    self.inputs = inputs
    self.inputShape = inputShape
    self.outputShape = outputShape
    self.consumerCount = consumerCount
    self.repeatCount = repeatCount
  }
}

/// Up to two node indices, stored inline (no allocation; −1 marks an absent input).
public struct NodeInputs: Hashable, Sendable, Sequence {
  @usableFromInline let storage: (first: Int, second: Int)

  public var first: Int? { storage.first < 0 ? nil : storage.first }
  public var second: Int? { storage.second < 0 ? nil : storage.second }

  @usableFromInline
  init(first: Int?, second: Int?) {
    storage = (first ?? -1, second ?? -1)
  }

  public static let none = NodeInputs(first: nil, second: nil)
  public static func one(_ a: Int) -> NodeInputs { NodeInputs(first: a, second: nil) }
  public static func two(_ a: Int, _ b: Int) -> NodeInputs { NodeInputs(first: a, second: b) }

  public var count: Int { (first == nil ? 0 : 1) + (second == nil ? 0 : 1) }

  /// The same inputs `shift` nodes later.
  @inlinable
  public func shifted(by shift: Int) -> NodeInputs {
    NodeInputs(first: first.map { $0 + shift }, second: second.map { $0 + shift })
  }

  public static func == (a: NodeInputs, b: NodeInputs) -> Bool { a.storage == b.storage }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(storage.first)
    hasher.combine(storage.second)
  }

  public func makeIterator() -> IndexingIterator<[Int]> {
    ([first, second].compactMap { $0 }).makeIterator()
  }
}
