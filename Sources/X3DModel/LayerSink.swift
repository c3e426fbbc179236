/// Receives the nodes of an X3D network in execution order, as ``X3DBuilder`` produces them.
///
/// ``LayerGraph`` is the sink that stores them; cost accumulators are sinks that sum as they go, so a totals-only
/// analysis never allocates the graph.
public protocol LayerSink {
  mutating func receive(_ node: LayerNode) throws(ConfigurationError)

  /// Offered by the builder, in a ``Granularity/everyBlock`` graph, for every block `block ≥ 3` of a residual
  /// stage before it is emitted. That block's nodes are exactly block `block − 2`'s (same kinds, shapes and
  /// consumer counts; every block after the first reads and writes the stage's shape, and squeeze-excitation
  /// alternates), renumbered: every index, its own and its inputs', shifted so that the block's first node is
  /// `firstIndex`; the path's block number `block`; and the last node's consumer count `outputConsumers`.
  ///
  /// A sink that has kept block `block − 2` can write those nodes itself and return how many it wrote; the builder
  /// then continues after them. Returning nil (what every sink does unless it implements this) has the builder emit
  /// the block node by node.
  mutating func repeatBlock(_ block: Int, of stage: StageID, firstIndex: Int, outputConsumers: Int)
    throws(ConfigurationError) -> Int?
}

extension LayerSink {
  public mutating func repeatBlock(_ block: Int, of stage: StageID, firstIndex: Int, outputConsumers: Int)
    throws(ConfigurationError) -> Int?
  {
    nil
  }
}

/// How much of the network's repetition a builder spells out.
public enum Granularity: Sendable {
  /// Every block of every stage, each node with `repeatCount` 1: the graph PyTorch builds.
  case everyBlock
  /// Per stage: block 0, one block without squeeze-excitation (odd indices) and one with it (even indices ≥ 2),
  /// each with `repeatCount` set to how many blocks it stands for. Totals, peaks and sums are those of the full
  /// network; per-layer rows are not.
  case distinctBlocks
}
