/// One exact count per ``CostField``, in one fixed-size vector: the cost of one node (``LayerCost``) or of a whole
/// network (``CostTotals``). Sums over nodes and segments run over the lanes, so adding a field adds no code to
/// them.
///
/// Stored field `f` lives in lane `f.lane`; a derived field (``CostField/derivation``) is computed from its terms
/// when read. Every count is non-negative.
public struct CostVector: Hashable, Sendable {
  /// The storage: ``laneCount`` 64-bit lanes in a tuple, read and written lane by lane below so that sums stay in
  /// registers. A stored field past that capacity needs one more lane in each lane-by-lane function (a test checks
  /// the capacity against ``CostField/stored``). At 16 lanes or fewer (128 bytes) a copy of the vector is a few
  /// vector moves; past that, a call to `memcpy`.
  @usableFromInline typealias Lanes = (
    Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int
  )
  @usableFromInline var lanes: Lanes = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

  /// How many stored fields the vector can hold.
  @inlinable
  public static var laneCount: Int { 15 }

  @inlinable
  public init() {}

  /// A stored field's count, or a derived field's sum of terms (wrapping: ``derivedFieldsFit`` says whether every
  /// derived sum fits in 64 bits). Only stored fields can be set.
  @inlinable
  public subscript(field: CostField) -> Int {
    @inline(__always)
    get {
      switch field {
      case .linearMacs: stored(.macs) &- stored(.convMacs)
      case .fvcoreFlops: stored(.macs) &+ 2 &* stored(.bnElements)
      case .trainingMacs:
        stored(.macs) &+ stored(.trainingInputGradientMacs) &+ stored(.trainingWeightGradientMacs)
      default: stored(field)
      }
    }
    @inline(__always)
    set {
      guard let lane = field.lane else { preconditionFailure("\(field.name) is derived, not stored") }
      self[lane: lane] = newValue
    }
  }

  /// Whether every derived field's sum fits in 64 bits (each stored count does, being non-negative).
  @inlinable
  public var derivedFieldsFit: Bool {
    let (doubled, o1) = stored(.bnElements).multipliedReportingOverflow(by: 2)
    let o2 = stored(.macs).addingReportingOverflow(doubled).overflow
    let (gradients, o3) = stored(.trainingInputGradientMacs).addingReportingOverflow(
      stored(.trainingWeightGradientMacs))
    let o4 = stored(.macs).addingReportingOverflow(gradients).overflow
    return !(o1 || o2 || o3 || o4)
  }

  /// A stored field's lane.
  @inlinable @inline(__always)
  func stored(_ field: CostField) -> Int { self[lane: field.lane!] }

  @inlinable
  subscript(lane lane: Int) -> Int {
    @inline(__always)
    get {
      switch lane {
      case 0: lanes.0
      case 1: lanes.1
      case 2: lanes.2
      case 3: lanes.3
      case 4: lanes.4
      case 5: lanes.5
      case 6: lanes.6
      case 7: lanes.7
      case 8: lanes.8
      case 9: lanes.9
      case 10: lanes.10
      case 11: lanes.11
      case 12: lanes.12
      case 13: lanes.13
      case 14: lanes.14
      default: preconditionFailure("lane \(lane) of \(Self.laneCount)")
      }
    }
    @inline(__always)
    set {
      switch lane {
      case 0: lanes.0 = newValue
      case 1: lanes.1 = newValue
      case 2: lanes.2 = newValue
      case 3: lanes.3 = newValue
      case 4: lanes.4 = newValue
      case 5: lanes.5 = newValue
      case 6: lanes.6 = newValue
      case 7: lanes.7 = newValue
      case 8: lanes.8 = newValue
      case 9: lanes.9 = newValue
      case 10: lanes.10 = newValue
      case 11: lanes.11 = newValue
      case 12: lanes.12 = newValue
      case 13: lanes.13 = newValue
      case 14: lanes.14 = newValue
      default: preconditionFailure("lane \(lane) of \(Self.laneCount)")
      }
    }
  }

  @inlinable
  public static func == (a: CostVector, b: CostVector) -> Bool {
    (0..<laneCount).allSatisfy { a[lane: $0] == b[lane: $0] }
  }

  public func hash(into hasher: inout Hasher) {
    for lane in 0..<Self.laneCount { hasher.combine(self[lane: lane]) }
  }

  /// Adds `copies` copies of `other` to every lane, peaks included (the sum of nodes, whose peaks are zero).
  /// Returns false, leaving `self` unchanged, when a count would not fit in 64 bits.
  @inlinable @inline(__always)
  public mutating func add(_ other: CostVector, copies: Int) -> Bool {
    copies == 1 ? addOnce(other) : addCopies(other, copies: copies)
  }

  /// `self + other`: every count is in `0..<2^63`, so a sum overflows exactly when it sets the sign bit.
  @inlinable @inline(__always)
  mutating func addOnce(_ other: CostVector) -> Bool {
    var result = lanes
    var signs = 0
    result.0 = lanes.0 &+ other.lanes.0
    signs |= result.0
    result.1 = lanes.1 &+ other.lanes.1
    signs |= result.1
    result.2 = lanes.2 &+ other.lanes.2
    signs |= result.2
    result.3 = lanes.3 &+ other.lanes.3
    signs |= result.3
    result.4 = lanes.4 &+ other.lanes.4
    signs |= result.4
    result.5 = lanes.5 &+ other.lanes.5
    signs |= result.5
    result.6 = lanes.6 &+ other.lanes.6
    signs |= result.6
    result.7 = lanes.7 &+ other.lanes.7
    signs |= result.7
    result.8 = lanes.8 &+ other.lanes.8
    signs |= result.8
    result.9 = lanes.9 &+ other.lanes.9
    signs |= result.9
    result.10 = lanes.10 &+ other.lanes.10
    signs |= result.10
    result.11 = lanes.11 &+ other.lanes.11
    signs |= result.11
    result.12 = lanes.12 &+ other.lanes.12
    signs |= result.12
    result.13 = lanes.13 &+ other.lanes.13
    signs |= result.13
    result.14 = lanes.14 &+ other.lanes.14
    signs |= result.14
    if signs < 0 { return false }
    lanes = result
    return true
  }

  @inlinable
  mutating func addCopies(_ other: CostVector, copies: Int) -> Bool {
    var result = lanes
    var overflowed = false
    var o = false
    (result.0, o) = Self.add(lanes.0, other.lanes.0, copies)
    overflowed = overflowed || o
    (result.1, o) = Self.add(lanes.1, other.lanes.1, copies)
    overflowed = overflowed || o
    (result.2, o) = Self.add(lanes.2, other.lanes.2, copies)
    overflowed = overflowed || o
    (result.3, o) = Self.add(lanes.3, other.lanes.3, copies)
    overflowed = overflowed || o
    (result.4, o) = Self.add(lanes.4, other.lanes.4, copies)
    overflowed = overflowed || o
    (result.5, o) = Self.add(lanes.5, other.lanes.5, copies)
    overflowed = overflowed || o
    (result.6, o) = Self.add(lanes.6, other.lanes.6, copies)
    overflowed = overflowed || o
    (result.7, o) = Self.add(lanes.7, other.lanes.7, copies)
    overflowed = overflowed || o
    (result.8, o) = Self.add(lanes.8, other.lanes.8, copies)
    overflowed = overflowed || o
    (result.9, o) = Self.add(lanes.9, other.lanes.9, copies)
    overflowed = overflowed || o
    (result.10, o) = Self.add(lanes.10, other.lanes.10, copies)
    overflowed = overflowed || o
    (result.11, o) = Self.add(lanes.11, other.lanes.11, copies)
    overflowed = overflowed || o
    (result.12, o) = Self.add(lanes.12, other.lanes.12, copies)
    overflowed = overflowed || o
    (result.13, o) = Self.add(lanes.13, other.lanes.13, copies)
    overflowed = overflowed || o
    (result.14, o) = Self.add(lanes.14, other.lanes.14, copies)
    overflowed = overflowed || o
    if overflowed { return false }
    lanes = result
    return true
  }

  /// `total + value·copies` and whether it overflowed.
  @inlinable @inline(__always)
  static func add(_ total: Int, _ value: Int, _ copies: Int) -> (Int, Bool) {
    let (product, o1) = value.multipliedReportingOverflow(by: copies)
    let (sum, o2) = total.addingReportingOverflow(product)
    return (sum, o1 || o2)
  }

  /// `self + other` with wrapping adds; returns the bitwise OR of the resulting lanes. Every count is below 2^63, so
  /// a lane overflowed exactly when the OR is negative (then `self` is garbage); below 2^61 it also says every
  /// derived field fits (each is a sum of at most three lanes, one doubled: ``derivedFieldsFit``).
  @inlinable @inline(__always)
  public mutating func addReturningUnion(_ other: CostVector) -> Int {
    lanes.0 &+= other.lanes.0
    lanes.1 &+= other.lanes.1
    lanes.2 &+= other.lanes.2
    lanes.3 &+= other.lanes.3
    lanes.4 &+= other.lanes.4
    lanes.5 &+= other.lanes.5
    lanes.6 &+= other.lanes.6
    lanes.7 &+= other.lanes.7
    lanes.8 &+= other.lanes.8
    lanes.9 &+= other.lanes.9
    lanes.10 &+= other.lanes.10
    lanes.11 &+= other.lanes.11
    lanes.12 &+= other.lanes.12
    lanes.13 &+= other.lanes.13
    lanes.14 &+= other.lanes.14
    return lanes.0 | lanes.1 | lanes.2 | lanes.3 | lanes.4 | lanes.5 | lanes.6 | lanes.7 | lanes.8 | lanes.9 | lanes.10
      | lanes.11 | lanes.12 | lanes.13 | lanes.14
  }

  /// ``add(_:copies:)`` without overflow checks, for counts the caller has proved small enough.
  @inlinable @inline(__always)
  public mutating func addUnchecked(_ other: CostVector, copies: Int) {
    lanes.0 &+= other.lanes.0 &* copies
    lanes.1 &+= other.lanes.1 &* copies
    lanes.2 &+= other.lanes.2 &* copies
    lanes.3 &+= other.lanes.3 &* copies
    lanes.4 &+= other.lanes.4 &* copies
    lanes.5 &+= other.lanes.5 &* copies
    lanes.6 &+= other.lanes.6 &* copies
    lanes.7 &+= other.lanes.7 &* copies
    lanes.8 &+= other.lanes.8 &* copies
    lanes.9 &+= other.lanes.9 &* copies
    lanes.10 &+= other.lanes.10 &* copies
    lanes.11 &+= other.lanes.11 &* copies
    lanes.12 &+= other.lanes.12 &* copies
    lanes.13 &+= other.lanes.13 &* copies
    lanes.14 &+= other.lanes.14 &* copies
  }

  /// One bit per lane of a ``CostField/Combination/peak`` field.
  public static let peakLanes: UInt64 = CostField.peaks.reduce(0) { $0 | 1 << $1.lane! }

  /// Raises each lane in `lanes` (``peakLanes``, read once by the caller) to `other`'s value where that is larger.
  @inlinable @inline(__always)
  public mutating func formPeaks(_ other: CostVector, lanes: UInt64) {
    var lanes = lanes
    while lanes != 0 {
      let lane = lanes.trailingZeroBitCount
      lanes &= lanes &- 1
      self[lane: lane] = Swift.max(self[lane: lane], other[lane: lane])
    }
  }

  /// Sets each ``CostField/Combination/peak`` field to `other`'s value.
  @inlinable @inline(__always)
  public mutating func setPeaks(from other: CostVector) {
    var lanes = Self.peakLanes
    while lanes != 0 {
      let lane = lanes.trailingZeroBitCount
      lanes &= lanes &- 1
      self[lane: lane] = other[lane: lane]
    }
  }

  /// `self − other` lane by lane with wrapping arithmetic, for `other` a part of `self` (an earlier value of a
  /// running sum).
  @inlinable
  public mutating func subtractUnchecked(_ other: CostVector) {
    lanes.0 &-= other.lanes.0
    lanes.1 &-= other.lanes.1
    lanes.2 &-= other.lanes.2
    lanes.3 &-= other.lanes.3
    lanes.4 &-= other.lanes.4
    lanes.5 &-= other.lanes.5
    lanes.6 &-= other.lanes.6
    lanes.7 &-= other.lanes.7
    lanes.8 &-= other.lanes.8
    lanes.9 &-= other.lanes.9
    lanes.10 &-= other.lanes.10
    lanes.11 &-= other.lanes.11
    lanes.12 &-= other.lanes.12
    lanes.13 &-= other.lanes.13
    lanes.14 &-= other.lanes.14
  }

  /// The largest count of any field.
  @inlinable
  public var largestCount: Int {
    withUnsafeBytes(of: lanes) { bytes in
      // The lanes are one homogeneous tuple of `Int`s, laid out contiguously.
      bytes.assumingMemoryBound(to: Int.self).reduce(0) { Swift.max($0, $1) }
    }
  }
}

/// What one node costs, for one copy of it, at the configuration's batch: one count per per-layer
/// ``CostField`` (the memory fields, which belong to the network, are zero).
public typealias LayerCost = CostVector

/// Whole-network figures for one configuration at its batch: one count per ``CostField``
/// (``CostField/isNetworkTotal``).
public typealias CostTotals = CostVector
