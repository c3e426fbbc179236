/// Entry numbers by hash: an open-addressing table (linear probing, power-of-two size, at most half full) over
/// entries numbered 0, 1, 2… in the order they were added.
///
/// The caller keeps keys and values in its own arrays, indexed by entry number, and says which entry matches; the
/// index compares full hashes first, so the caller's comparison runs only on a probable match. Hashes come from
/// the caller too (a multiplicative mix is enough for private tables: no adversarial keys, and no per-lookup
/// seeding as with `Hasher`). Entries are never removed one by one, only all at once.
struct HashIndex {
  /// Per slot: entry number + 1; 0 marks an empty slot.
  private var slots: [Int32]
  /// Per entry: its hash (kept for probing and for growing).
  private var hashes: [Int] = []
  private var mask: Int

  init(minimumCapacity: Int = 8) {
    var size = 16
    while size < 2 * minimumCapacity { size *= 2 }
    slots = Array(repeating: 0, count: size)
    mask = size - 1
  }

  /// How many entries there are.
  var count: Int { hashes.count }

  /// The entry with this hash for which `matches` holds, or nil.
  @inline(__always)
  func first(hash: Int, where matches: (Int) -> Bool) -> Int? {
    slots.withUnsafeBufferPointer { slots in
      var slot = hash & mask
      while true {
        let stored = Int(slots[slot])
        if stored == 0 { return nil }
        if hashes[stored - 1] == hash && matches(stored - 1) { return stored - 1 }
        slot = (slot + 1) & mask
      }
    }
  }

  /// Adds entry number ``count`` with this hash, and returns that number.
  @discardableResult
  mutating func append(hash: Int) -> Int {
    if 2 * (hashes.count + 1) > slots.count { grow() }
    let entry = hashes.count
    precondition(entry < Int(Int32.max), "HashIndex holds fewer than 2^31 entries")
    hashes.append(hash)
    place(entry)
    return entry
  }

  /// Forgets every entry, keeping the table's size.
  mutating func removeAll() {
    hashes.removeAll(keepingCapacity: true)
    slots.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
  }

  private mutating func place(_ entry: Int) {
    var slot = hashes[entry] & mask
    while slots[slot] != 0 { slot = (slot + 1) & mask }
    slots[slot] = Int32(entry + 1)
  }

  private mutating func grow() {
    slots = Array(repeating: 0, count: 2 * slots.count)
    mask = slots.count - 1
    for entry in hashes.indices { place(entry) }
  }
}

/// The multiplicative mix behind the hashes ``HashIndex`` is given (splitmix64's constants): cheap, and good enough
/// for private tables.
struct HashMix {
  private var h: UInt64 = 0x9E37_79B9_7F4A_7C15

  @inline(__always)
  mutating func add(_ value: UInt64) {
    h = (h ^ value) &* 0xBF58_476D_1CE4_E5B9
    h ^= h >> 29
  }

  @inline(__always)
  mutating func add(_ value: Int) { add(UInt64(bitPattern: Int64(value))) }

  /// The hash of everything added so far.
  var value: Int { Int(truncatingIfNeeded: h ^ (h >> 32)) }
}
