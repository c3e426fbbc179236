/// X3D's repetition as data: the distinct segments every X3D network is made of, how many copies of each a
/// configuration holds, which segment's output each one reads, and which earlier block a repeated block copies.
///
/// ```
/// stem → res2 [b0, b1 ×⌊n/2⌋, b2 ×⌊(n−1)/2⌋] → res3 […] → res4 […] → res5 […] → head
/// ```
/// Block 0 of a stage is strided and has the projection shortcut; every later block reads and writes the stage's
/// shape, and squeeze-excitation sits on even blocks. So the blocks at odd indices are all alike (distinct block
/// 1), and so are the blocks at even indices from 2 on (distinct block 2); block `j ≥ 3` is block `j − 2` with its
/// nodes renumbered.
///
/// Readers price each ``Slot`` once and multiply (``copies(of:stageBlocks:)``); per-layer readers copy block
/// `j − 2`'s rows for block `j` (``repeatedBlock(of:)``). Together with ``X3DBuilder`` (which emits a slot's
/// nodes), this is the only place that knows how X3D is wired.
public enum Schedule {
  /// One distinct segment of the network.
  public enum Slot: Hashable, Sendable {
    /// The input clip and the stem.
    case stem
    /// Distinct block `distinct` (0, 1 or 2) of residual stage `stage` (0…3: res2…res5).
    case block(stage: Int, distinct: Int)
    /// The head, from conv5 to the output.
    case head
  }

  /// Residual stages (res2…res5): one per entry of ``X3DArchitecture/baseBlocks`` (checked by a test).
  @inlinable
  public static var stageCount: Int { 4 }
  /// Distinct blocks per stage.
  @inlinable
  public static var distinctBlocksPerStage: Int { 3 }

  /// Every slot, in execution order: the stem, each stage's distinct blocks 0, 1, 2, the head.
  public static var slots: [Slot] { (0..<slotCount).map(slot(at:)) }

  /// How many slots there are.
  @inlinable
  public static var slotCount: Int { 2 + distinctBlocksPerStage * stageCount }

  /// The slot at `position` in ``slots`` (the inverse of ``position(of:)``).
  @inlinable
  public static func slot(at position: Int) -> Slot {
    if position == 0 { return .stem }
    if position == slotCount - 1 { return .head }
    return .block(stage: (position - 1) / distinctBlocksPerStage, distinct: (position - 1) % distinctBlocksPerStage)
  }

  /// The position of `slot` in ``slots``.
  @inlinable
  public static func position(of slot: Slot) -> Int {
    switch slot {
    case .stem: 0
    case .block(let stage, let distinct): 1 + distinctBlocksPerStage * stage + distinct
    case .head: 1 + distinctBlocksPerStage * stageCount
    }
  }

  /// The slot whose output has the shape `slot` reads, or nil for the stem (which reads the clip). Blocks 1 and 2
  /// read the stage's own shape, which block 0 writes; block 0 reads the previous stage's shape (or the stem's);
  /// the head reads res5's.
  public static func source(of slot: Slot) -> Slot? {
    switch slot {
    case .stem: nil
    case .block(let stage, 0): stage == 0 ? .stem : .block(stage: stage - 1, distinct: 0)
    case .block(let stage, _): .block(stage: stage, distinct: 0)
    case .head: .block(stage: stageCount - 1, distinct: 0)
    }
  }

  /// How many copies of `slot` a network holds whose residual stage `s` has `stageBlocks(s)` blocks (0: the
  /// network has no such block).
  @inlinable
  public static func copies(of slot: Slot, stageBlocks: (Int) -> Int) -> Int {
    switch slot {
    case .stem, .head: 1
    case .block(let stage, let distinct): copies(ofDistinctBlock: distinct, inStageOf: stageBlocks(stage))
    }
  }

  /// How many of a stage's `blocks` blocks distinct block `distinct` stands for: block 0 one, block 1 the `⌊n/2⌋`
  /// blocks at odd indices, block 2 the `⌊(n−1)/2⌋` at even indices from 2 on.
  @inlinable
  public static func copies(ofDistinctBlock distinct: Int, inStageOf blocks: Int) -> Int {
    switch distinct {
    case 0: blocks > 0 ? 1 : 0
    case 1: blocks / 2
    default: Swift.max(0, (blocks - 1) / 2)
    }
  }

  /// Which distinct block block `block` of a stage is.
  @inlinable
  public static func distinctBlock(of block: Int) -> Int {
    block == 0 ? 0 : block % 2 == 1 ? 1 : 2
  }

  /// The block that block `block` repeats with its nodes renumbered (`block − 2`), or nil for blocks 0…2, which
  /// are built.
  @inlinable
  public static func repeatedBlock(of block: Int) -> Int? {
    block >= distinctBlocksPerStage ? block - 2 : nil
  }

  /// Whether block `block` of a stage carries squeeze-excitation (even indices).
  @inlinable
  public static func hasSqueezeExcitation(block: Int) -> Bool { block % 2 == 0 }

  /// Nodes outside the residual stages: the input (1), the stem (4) and the head (10).
  public static let nodesOutsideBlocks = 15
  /// At most how many nodes one block has: 11 in every block, 6 for squeeze-excitation, 2 for a projection
  /// shortcut with its BatchNorm.
  public static let maximumNodesPerBlock = 19

  /// At most how many nodes the full graph of `architecture` has.
  public static func maximumNodeCount(_ architecture: X3DArchitecture) -> Int {
    nodesOutsideBlocks + maximumNodesPerBlock * architecture.blockCount
  }
}
