import X3DModel

/// Prices a full graph's repeated blocks without pricing them again.
///
/// In a residual stage of `n` blocks, block `j ≥ 3` has the same kinds and shapes as block `j − 2` (every block after
/// the first reads and writes the stage's shape; squeeze-excitation alternates), so its costs are block `j − 2`'s.
/// Memory is handled as in a ``Granularity/distinctBlocks`` graph, whose totals the tests hold equal to the full
/// graph's: the trackers see blocks 0, 1 and 2, block 1 counting `⌊n/2⌋` copies and block 2 `⌊(n−1)/2⌋`, and skip
/// blocks 3…. The one tensor that crosses from the skipped blocks to the next stage (or the head) is the last
/// block's output; the trackers hold block 2's output in its place (same shape, same copies), so when the last
/// block's output node arrives, that tensor takes its index and its reader count.
struct RepeatedBlocks: Sendable {
  enum Role {
    /// Price and track, counting this many copies for training memory.
    case track(copies: Int)
    /// Take this cost; skip the trackers.
    case `repeat`(LayerCost)
  }

  /// Blocks per residual stage (res2…res5).
  let stageBlocks: [Int]
  private var odd: [LayerCost] = []
  private var even: [LayerCost] = []
  private var current: (stage: StageID, block: Int) = (.input, -1)
  private var position = 0
  /// The output of the last tracked block of the current stage (block 2), standing for the last block's.
  private var standIn: Int? = nil

  init(stageBlocks: [Int]) {
    self.stageBlocks = stageBlocks
    odd.reserveCapacity(24)
    even.reserveCapacity(24)
  }

  /// What to do with `node`; call in node order.
  @inline(__always)
  mutating func role(of node: LayerNode) -> Role {
    let stage = node.path.stage
    guard stage >= .res2 && stage <= .res5, let block = node.path.block else {
      return .track(copies: node.repeatCount)
    }
    if current.stage != stage || current.block != block {
      if current.stage != stage {
        odd.removeAll(keepingCapacity: true)
        even.removeAll(keepingCapacity: true)
        standIn = nil
      }
      current = (stage, block)
      position = 0
    }
    defer { position += 1 }
    let blocks = stageBlocks[stage.rawValue - StageID.res2.rawValue]
    if block < 3 {
      return .track(copies: X3DBuilder.distinctRepeats(blocks: blocks, index: block))
    }
    return .repeat(block % 2 == 1 ? odd[position] : even[position])
  }

  /// Records a tracked node's cost as the template of later blocks.
  @inline(__always)
  mutating func remember(_ node: LayerNode, _ cost: LayerCost) {
    guard let block = node.path.block, node.path.stage >= .res2 && node.path.stage <= .res5 else { return }
    if block == 1 { odd.append(cost) } else if block == 2 { even.append(cost) }
    if block == 2 && node.path.component == .blockReLU { standIn = node.index }
  }

  /// For the last block's output node: the tensor the trackers hold in its place.
  @inline(__always)
  func relabelling(after node: LayerNode) -> Int? {
    guard node.path.component == .blockReLU, let block = node.path.block, let standIn,
      block == stageBlocks[node.path.stage.rawValue - StageID.res2.rawValue] - 1
    else { return nil }
    return standIn
  }
}
