import Testing

@testable import CostModel

/// The open-addressing index under TotalsEvaluator's tables: every entry is found by its hash and the caller's
/// comparison, across growth, colliding hashes and clearing.
struct HashIndexTests {
  @Test func findsEveryEntryAcrossGrowthAndCollisions() {
    var index = HashIndex(minimumCapacity: 2)
    var keys: [String] = []
    for number in 0..<1_000 {
      let key = "key \(number)"
      // Only 13 distinct hashes, some negative: probing and the caller's comparison do the work.
      let entry = index.append(hash: number % 13 - 6)
      #expect(entry == keys.count)
      keys.append(key)
    }
    #expect(index.count == 1_000)
    for number in [0, 1, 12, 13, 500, 999] {
      let key = "key \(number)"
      #expect(index.first(hash: number % 13 - 6, where: { keys[$0] == key }) == number)
    }
    #expect(index.first(hash: 3, where: { keys[$0] == "key 1000" }) == nil)
    #expect(index.first(hash: 7, where: { _ in true }) == nil)
  }

  @Test func removeAllForgetsEveryEntry() {
    var index = HashIndex(minimumCapacity: 4)
    for hash in 0..<10 { index.append(hash: hash) }
    index.removeAll()
    #expect(index.count == 0)
    #expect(index.first(hash: 3, where: { _ in true }) == nil)
    #expect(index.append(hash: 3) == 0)
    #expect(index.first(hash: 3, where: { $0 == 0 }) == 0)
  }
}
