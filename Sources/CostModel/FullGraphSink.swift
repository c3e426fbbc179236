import X3DModel

/// The sink of a per-layer analysis: one row per node of the full graph, written in place into ``CostReport``'s
/// storage, without building or pricing repeated blocks again.
///
/// A block that ``Schedule/repeatedBlock(of:)`` says repeats an earlier one (see
/// ``LayerSink/repeatBlock(_:of:firstIndex:outputConsumers:)``) gets that block's rows copied, with indices,
/// inputs and block number shifted, and that block's summed cost (the sum of the distinct block it is a copy of)
/// added once.
///
/// Memory is tracked as in a ``Granularity/distinctBlocks`` graph, whose totals the tests hold equal to the full
/// graph's: ``LiveMemory`` sees the distinct blocks, each counting the copies ``Schedule`` gives it, and never
/// sees the repeated ones. The one tensor that crosses from a stage's blocks to the next stage (or the head) is its
/// last block's output; the walk holds the last distinct block's output in its place (same shape, same copies), so
/// when the stage's last block is copied, that tensor takes its index and its reader count.
public struct FullGraphSink: LayerSink {
  var accumulator: CostAccumulator
  /// Blocks per residual stage (res2…res5).
  let stageBlocks: [Int]
  /// The report's row storage: room for `capacity` rows, of which the first `count` are initialised. Row `i` is
  /// node `i`.
  private let rows: UnsafeMutablePointer<LayerRow>
  private let capacity: Int
  private(set) var count = 0
  /// The residual stage being emitted, and the index of the first node of each of its blocks so far.
  private var stage = StageID.input
  private var blockStarts: [Int] = []
  /// The summed cost of each distinct block of the current stage (``Schedule/distinctBlock(of:)``), which every
  /// repeated block of the stage copies: the network's sums when the block ended minus when it began.
  private var distinctBlockSums = (CostVector(), CostVector(), CostVector())
  /// The distinct block being received, and the network's sums when it began.
  private var openBlock: Int? = nil
  private var sumsBeforeOpenBlock = CostVector()
  /// The output of the current stage's last distinct block, which stands for the stage's last block in
  /// ``LiveMemory``.
  private var standIn: Int? = nil

  /// A sink writing into `rows` (uninitialised), which must have room for every node of the graph.
  init(accumulator: CostAccumulator, stageBlocks: [Int], rows: UnsafeMutableBufferPointer<LayerRow>) {
    self.accumulator = accumulator
    self.stageBlocks = stageBlocks
    self.rows = rows.baseAddress!
    self.capacity = rows.count
    blockStarts.reserveCapacity(stageBlocks.max() ?? 0)
  }

  /// Nodes of the stem, the head and the distinct blocks: priced, tracked and kept.
  ///
  /// Out of line: one copy of the pricing and tracking code serves every call site of the builder, which measures
  /// faster than a copy inlined at each.
  @inline(never)
  public mutating func receive(_ node: LayerNode) throws(ConfigurationError) {
    var copies = node.repeatCount
    if let block = node.path.block {
      if node.path.stage != stage {
        stage = node.path.stage
        blockStarts.removeAll(keepingCapacity: true)
        openBlock = nil
        standIn = nil
      }
      if block == blockStarts.count {
        closeBlock()
        blockStarts.append(node.index)
        openBlock = block
        sumsBeforeOpenBlock = accumulator.sums
      }
      copies = Schedule.copies(ofDistinctBlock: block, inStageOf: blocks(of: stage))
    }
    let cost = try accumulator.track(node, copies: copies)
    try accumulator.add(cost, copies: 1, node.path)
    keep(node, cost)
  }

  /// Writes `node`'s row in place.
  ///
  /// Out of line on purpose, and called last: by then the builder's stores of `node` have left the store buffer.
  /// Inlined, the compiler builds the row in a temporary first, copying `node` with wide loads right after the
  /// builder's narrow stores (a store-forwarding stall), then copies the temporary.
  @inline(never)
  private mutating func keep(_ node: LayerNode, _ cost: LayerCost) {
    precondition(count < capacity, "more nodes than Schedule.maximumNodeCount")
    let row = UnsafeMutableRawPointer(rows + count)
    row.initializeMemory(as: LayerNode.self, to: node)
    (row + MemoryLayout<LayerRow>.offset(of: \LayerRow.cost)!).initializeMemory(as: LayerCost.self, to: cost)
    count += 1
  }

  /// A repeated block: the rows of the block it repeats copied and renumbered, its summed cost added;
  /// ``LiveMemory`` skips them.
  public mutating func repeatBlock(_ block: Int, of stage: StageID, firstIndex: Int, outputConsumers: Int)
    throws(ConfigurationError) -> Int?
  {
    guard let original = Schedule.repeatedBlock(of: block) else { return nil }
    precondition(
      stage == self.stage && block == blockStarts.count && firstIndex == count,
      "blocks are offered in order, after the block they repeat")
    // The first repeated block follows the last distinct one, whose output is the node just before it.
    if standIn == nil { standIn = firstIndex - 1 }
    closeBlock()
    let source = blockStarts[original]
    let copied = blockStarts[original + 1] - source
    let shift = firstIndex - source
    precondition(count + copied <= capacity, "more nodes than Schedule.maximumNodeCount")
    let copies = rows + firstIndex
    copies.initialize(from: rows + source, count: copied)
    for offset in 0..<copied { copies[offset].node.renumber(shift: shift, block: block) }
    copies[copied - 1].node.consumerCount = outputConsumers
    let sum =
      switch Schedule.distinctBlock(of: original) {
      case 0: distinctBlockSums.0
      case 1: distinctBlockSums.1
      default: distinctBlockSums.2
      }
    try accumulator.add(sum, copies: 1, copies[0].node.path)
    count += copied
    blockStarts.append(firstIndex)
    if block == blocks(of: stage) - 1, let standIn {
      accumulator.relabel(standIn, as: firstIndex + copied - 1, readers: outputConsumers)
    }
    return copied
  }

  /// Records the summed cost of the distinct block being received, which has ended: the network's sums grew by it
  /// (without overflow: every add was checked), so the difference is exact.
  private mutating func closeBlock() {
    guard let block = openBlock else { return }
    var sum = accumulator.sums
    sum.subtractUnchecked(sumsBeforeOpenBlock)
    switch Schedule.distinctBlock(of: block) {
    case 0: distinctBlockSums.0 = sum
    case 1: distinctBlockSums.1 = sum
    default: distinctBlockSums.2 = sum
    }
    openBlock = nil
  }

  private func blocks(of stage: StageID) -> Int { stageBlocks[stage.rawValue - StageID.res2.rawValue] }
}

extension LayerNode {
  /// This node as it appears `shift` positions later, in block `block` of the same stage: its index and its
  /// inputs' indices shifted.
  @inline(__always)
  fileprivate mutating func renumber(shift: Int, block: Int) {
    index += shift
    path.block = block
    inputs = inputs.shifted(by: shift)
  }
}
