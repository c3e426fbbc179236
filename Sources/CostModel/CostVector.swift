/// One exact count per ``CostField``, in one fixed-size vector: the cost of one node (``LayerCost``) or of a whole
/// network (``CostTotals``). Sums over nodes and segments are lane-wise, so adding a field adds no code to them.
///
/// Lane `f.rawValue` holds field `f`; lanes past ``CostField/allCases`` are zero. Every count is non-negative.
public struct CostVector: Hashable, Sendable {
  /// The storage; a field past its capacity is a compile-time-visible change (``laneCount``).
  public typealias Lanes = SIMD16<Int>
  @usableFromInline var lanes = Lanes()

  /// How many fields the vector can hold.
  public static let laneCount = Lanes.scalarCount

  @inlinable
  public init() {}

  @inlinable
  public subscript(field: CostField) -> Int {
    get { lanes[field.rawValue] }
    set { lanes[field.rawValue] = newValue }
  }

  /// Lanes whose fields combine by ``CostField/Combination/peak`` (the largest value, not the sum).
  @usableFromInline static let peakLanes: SIMDMask<Lanes.MaskStorage> = {
    var mask = SIMDMask<Lanes.MaskStorage>()
    for field in CostField.allCases where field.combination == .peak { mask[field.rawValue] = true }
    return mask
  }()

  /// `self + other·copies` lane by lane (peaks: the larger of `self` and `other`), or nil when a count would not
  /// fit in 64 bits.
  @inlinable
  public func adding(_ other: CostVector, copies: Int) -> CostVector? {
    var result = self
    // Fast path: every product (below 2^40 · 2^22) and sum (below 2^62 + 2^62) provably fits.
    if other.lanes.max() < 1 << 40 && lanes.max() < 1 << 62 && copies >= 0 && copies < 1 << 22 {
      result.addUnchecked(other, copies: copies)
      return result
    }
    for lane in 0..<Self.laneCount {
      if Self.peakLanes[lane] {
        result.lanes[lane] = Swift.max(lanes[lane], other.lanes[lane])
      } else {
        let (product, o1) = other.lanes[lane].multipliedReportingOverflow(by: copies)
        let (sum, o2) = lanes[lane].addingReportingOverflow(product)
        if o1 || o2 { return nil }
        result.lanes[lane] = sum
      }
    }
    return result
  }

  /// ``adding(_:copies:)`` without overflow checks, for counts the caller has proved small enough.
  @inlinable
  public mutating func addUnchecked(_ other: CostVector, copies: Int) {
    let sum = lanes &+ other.lanes &* copies
    lanes = sum.replacing(with: pointwiseMax(lanes, other.lanes), where: Self.peakLanes)
  }

  /// The largest count of any field.
  @inlinable
  public var largestCount: Int { lanes.max() }
}

/// What one node costs, for one copy of it, at the configuration's batch: one count per per-layer
/// ``CostField`` (the memory fields, which belong to the network, are zero).
public typealias LayerCost = CostVector

/// Whole-network figures for one configuration at its batch: one count per ``CostField`` (``CostField/isNetworkTotal``).
public typealias CostTotals = CostVector
