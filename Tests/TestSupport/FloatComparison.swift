/// Element-by-element comparison of float tensors with a relative tolerance, reporting like llm.c's test: the
/// largest difference, where it is, and the first mismatches.
///
/// Element `i` passes when `|observed − expected| ≤ relativeTolerance · max(|expected|, floor)`, where
/// `floor = floorFraction · max|expected|` keeps elements that cancel to almost zero from demanding more precision
/// than float32 sums carry (default: 1% of the tensor's largest magnitude).
public struct FloatComparison: CustomStringConvertible {
  public let name: String
  public let count: Int
  public private(set) var mismatches: [(index: Int, observed: Float, expected: Float)] = []
  public private(set) var mismatchCount = 0
  public private(set) var largestDifference: Float = 0
  public private(set) var largestRelative: Float = 0
  public private(set) var largestAt = 0
  public let relativeTolerance: Float

  public init(
    _ name: String, observed: [Float], expected: [Float], relativeTolerance: Float = 1e-4,
    floorFraction: Float = 1e-2, keep: Int = 10
  ) {
    self.name = name
    self.relativeTolerance = relativeTolerance
    count = expected.count
    guard observed.count == expected.count else {
      mismatchCount = max(observed.count, expected.count)
      return
    }
    let floor = floorFraction * (expected.map(abs).max() ?? 0)
    for index in expected.indices {
      let (o, e) = (observed[index], expected[index])
      let difference = abs(o - e)
      let scale = max(abs(e), floor)
      let relative = scale > 0 ? difference / scale : (difference == 0 ? 0 : .infinity)
      if !(relative <= relativeTolerance) {
        mismatchCount += 1
        if mismatches.count < keep { mismatches.append((index, o, e)) }
      }
      if difference > largestDifference || difference.isNaN {
        largestDifference = difference
        largestAt = index
      }
      largestRelative = max(largestRelative, relative.isNaN ? .infinity : relative)
    }
  }

  public var passes: Bool { mismatchCount == 0 }

  public var description: String {
    var text =
      "\(name): \(mismatchCount) of \(count) elements differ beyond relative tolerance \(relativeTolerance); "
      + "largest difference \(largestDifference) at index \(largestAt), largest relative \(largestRelative)"
    for m in mismatches { text += "\n  [\(m.index)] observed \(m.observed), expected \(m.expected)" }
    return text
  }
}
