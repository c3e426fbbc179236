/// The blocks of one stage that a builder emits, each with how many blocks of the stage it stands for.
///
/// Every block: `(0, 1), (1, 1), …, (n−1, 1)`. Distinct blocks: block 0, then block 1 standing for the `⌊n/2⌋`
/// blocks at odd indices (no squeeze-excitation), then block 2 standing for the `⌊(n−1)/2⌋` blocks at even
/// indices from 2 on (with squeeze-excitation).
struct BlockSchedule: Sequence {
  let blocks: Int
  let granularity: Granularity

  /// The index of the last block emitted.
  var last: Int {
    switch granularity {
    case .everyBlock: blocks - 1
    case .distinctBlocks: Swift.min(blocks - 1, 2)
    }
  }

  func makeIterator() -> Iterator { Iterator(schedule: self) }

  struct Iterator: IteratorProtocol {
    let schedule: BlockSchedule
    var position = 0

    mutating func next() -> (index: Int, repeats: Int)? {
      let index = position
      guard index <= schedule.last else { return nil }
      position += 1
      switch schedule.granularity {
      case .everyBlock: return (index, 1)
      case .distinctBlocks:
        return (index, BlockSchedule.distinctRepeats(blocks: schedule.blocks, index: index))
      }
    }
  }

  /// How many blocks of a stage of `blocks` blocks the distinct block `index` (0, 1 or 2) stands for; 0 when the
  /// stage has no such block.
  @inline(__always)
  static func distinctRepeats(blocks: Int, index: Int) -> Int {
    index == 0 ? (blocks > 0 ? 1 : 0) : index == 1 ? blocks / 2 : Swift.max(0, (blocks - 1) / 2)
  }
}
