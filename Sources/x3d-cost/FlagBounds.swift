import Foundation

/// Range checks of numeric flags. Each failure is one line naming the flag and the value, e.g.
/// `invalid value for --frames: -1 (must be positive)`. Upper bounds keep a typo such as `--warmup 2^63-1` from
/// turning into a hang, an overflow or an allocation the machine cannot make.
enum FlagBounds {
  /// The most threads `run --threads` and `sweep --jobs` start.
  static let maximumThreads = 1024
  /// The most untimed or timed repetitions of `run`.
  static let maximumRepeats = 1000
  /// The most configurations `sweep` evaluates per transaction.
  static let maximumBatchSize = 1_000_000

  static func check(_ value: Int, _ flag: String, in range: ClosedRange<Int>) throws(UsageError) {
    if value < range.lowerBound {
      let rule =
        switch range.lowerBound {
        case 0: "must not be negative"
        case 1: "must be positive"
        default: "must be at least \(range.lowerBound)"
        }
      throw UsageError("invalid value for \(flag): \(value) (\(rule))")
    }
    if value > range.upperBound {
      throw UsageError("invalid value for \(flag): \(value) (must be at most \(range.upperBound))")
    }
  }

  static func positive(_ value: Int, _ flag: String) throws(UsageError) {
    try check(value, flag, in: 1...Int.max)
  }

  static func positive(_ value: Double, _ flag: String) throws(UsageError) {
    guard value.isFinite else { throw UsageError("invalid value for \(flag): \(value) (must be a finite number)") }
    guard value > 0 else { throw UsageError("invalid value for \(flag): \(value) (must be positive)") }
  }
}
