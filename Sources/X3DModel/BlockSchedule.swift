/// The blocks of one stage that a builder emits, each with how many blocks of the stage it stands for
/// (``Schedule``).
///
/// Every block: `(0, 1), (1, 1), …, (n−1, 1)`. Distinct blocks: `(0, 1)`, `(1, ⌊n/2⌋)`, `(2, ⌊(n−1)/2⌋)`, as far
/// as the stage has them.
@usableFromInline
struct BlockSchedule: Sequence {
  @usableFromInline let blocks: Int
  @usableFromInline let granularity: Granularity

  @inlinable
  init(blocks: Int, granularity: Granularity) {
    self.blocks = blocks
    self.granularity = granularity
  }

  /// The index of the last block emitted.
  @inlinable
  var last: Int {
    switch granularity {
    case .everyBlock: blocks - 1
    case .distinctBlocks: Swift.min(blocks, Schedule.distinctBlocksPerStage) - 1
    }
  }

  @inlinable
  func makeIterator() -> Iterator { Iterator(schedule: self) }

  @usableFromInline
  struct Iterator: IteratorProtocol {
    @usableFromInline let schedule: BlockSchedule
    @usableFromInline var position = 0

    @inlinable
    init(schedule: BlockSchedule) { self.schedule = schedule }

    @inlinable
    mutating func next() -> (index: Int, repeats: Int)? {
      let index = position
      guard index <= schedule.last else { return nil }
      position += 1
      switch schedule.granularity {
      case .everyBlock: return (index, 1)
      case .distinctBlocks: return (index, Schedule.copies(ofDistinctBlock: index, inStageOf: schedule.blocks))
      }
    }
  }
}
