/// Collects field-by-field differences between expected and observed integers, so a failing test lists every
/// mismatch with its inputs instead of stopping at the first.
public struct Mismatches {
  public private(set) var lines: [String] = []
  public private(set) var comparisons = 0

  public init() {}

  public mutating func expect(_ observed: Int, _ expected: Int, _ what: @autoclosure () -> String) {
    comparisons += 1
    if observed != expected {
      lines.append("\(what()): expected \(expected), observed \(observed) (difference \(observed - expected))")
    }
  }

  public var isEmpty: Bool { lines.isEmpty }
  public var report: String {
    "\(lines.count) of \(comparisons) comparisons differ:\n" + lines.prefix(40).joined(separator: "\n")
  }
}
