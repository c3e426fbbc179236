/// Receives the nodes of an X3D network in execution order, as ``X3DBuilder`` produces them.
///
/// ``LayerGraph`` is the sink that stores them; cost accumulators are sinks that sum as they go, so a totals-only
/// analysis never allocates the graph.
public protocol LayerSink {
  mutating func receive(_ node: LayerNode) throws(ConfigurationError)
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
