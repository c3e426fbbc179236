/// Tensor-wise relative error, the measure of a gradient check: `‖observed − expected‖₂ / ‖expected‖₂`, in double
/// precision. Unlike ``FloatComparison`` it does not fail on one element whose sign decision (a ReLU near zero) or
/// cancellation differs, and it is what a float32 computation can promise against a float64 reference.
public struct NormComparison: CustomStringConvertible {
  public let name: String
  public let relativeError: Double
  public let tolerance: Double
  public let count: Int

  public init(_ name: String, observed: [Float], expected: [Float], tolerance: Double = 1e-4) {
    self.name = name
    self.tolerance = tolerance
    count = expected.count
    guard observed.count == expected.count else {
      relativeError = .infinity
      return
    }
    var difference: Double = 0
    var norm: Double = 0
    for (o, e) in zip(observed, expected) {
      difference += (Double(o) - Double(e)) * (Double(o) - Double(e))
      norm += Double(e) * Double(e)
    }
    relativeError = norm > 0 ? (difference / norm).squareRoot() : (difference == 0 ? 0 : .infinity)
  }

  public var passes: Bool { relativeError <= tolerance }

  public var description: String {
    "\(name): ‖observed − expected‖/‖expected‖ = \(relativeError) over \(count) elements (tolerance \(tolerance))"
  }
}
