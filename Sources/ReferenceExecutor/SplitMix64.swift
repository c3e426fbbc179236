/// SplitMix64 (Steele, Lea, Flood 2014): the seeded generator behind ``ModelWeights/seeded(_:seed:)`` and random
/// input clips. Deterministic across platforms, so a seed names the same weights everywhere.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A float uniform in `[low, high)`: the top 24 bits of the next draw, scaled.
  public mutating func uniform(_ low: Float, _ high: Float) -> Float {
    let unit = Float(next() >> 40) * 0x1p-24
    return low + (high - low) * unit
  }
}
