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
        let repeats = index == 0 ? 1 : index == 1 ? schedule.blocks / 2 : (schedule.blocks - 1) / 2
        return (index, repeats)
      }
    }
  }
}
