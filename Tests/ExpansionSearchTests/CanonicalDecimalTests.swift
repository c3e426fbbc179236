import ExpansionSearch
import SweepStore
import Testing
import X3DModel

/// Factors as canonical decimals: what is printed is what was computed, and reads back to the same network.
struct CanonicalDecimalTests {
  @Test(
    arguments: [
      (2.4000000000000004, 2.4, "2.4"), (3.4999999999999996, 3.5, "3.5"), (0.4000000000000001, 0.4, "0.4"),
      (1 / 2.4, 0.416667, "0.416667"), (160.0 / 112, 1.42857, "1.42857"), (15, 15, "15"), (2.25, 2.25, "2.25"),
      (123_456_789, 123_457_000, "123457000"), (0.000123456789, 0.000123457, "0.000123457"), (1e-5, 1e-5, "0.00001"),
      (9.999996, 10, "10"), (-2.4000000000000004, -2.4, "-2.4"),
    ] as [(Double, Double, String)])
  func roundsToSixSignificantDigits(_ value: Double, _ expected: Double, _ text: String) {
    #expect(CanonicalDecimal.rounded(value) == expected)
    #expect(CanonicalDecimal.text(value) == text)
    #expect(Double(text) == expected)
  }

  @Test func minimumFractionAndFewerDigits() {
    #expect(CanonicalDecimal.text(15, minimumFraction: true) == "15.0")
    #expect(CanonicalDecimal.text(2.9, minimumFraction: true) == "2.9")
    #expect(CanonicalDecimal.rounded(2.40001, digits: 2) == 2.4)
    #expect(CanonicalDecimal.rounded(2.40001, digits: 2, rule: .up) == 2.5)
    #expect(CanonicalDecimal.rounded(2.40001, digits: 1, rule: .down) == 2)
  }

  /// Over many magnitudes: rounding is idempotent, and the printed text parses back to the very same double.
  @Test func printingThenParsingGivesTheSameDouble() {
    var generator = SeededGenerator(seed: 7)
    for _ in 0..<20_000 {
      let exponent = Double.random(in: -12...12, using: &generator)
      let value = Double.random(in: 1..<10, using: &generator) * pow10(exponent.rounded(.down))
      let canonical = CanonicalDecimal.rounded(value)
      #expect(CanonicalDecimal.rounded(canonical) == canonical, "\(value)")
      let text = CanonicalDecimal.text(value)
      #expect(Double(text) == canonical, "\(value) → \(text)")
      let digits = text.filter(\.isNumber).drop { $0 == "0" }.reversed().drop { $0 == "0" }
      #expect(digits.count <= 6, "\(text)")
      #expect(abs(canonical - value) <= 5e-6 * abs(value), "\(value)")
    }
  }

  func pow10(_ exponent: Double) -> Double {
    var result = 1.0
    for _ in 0..<Int(abs(exponent)) { result *= 10 }
    return exponent < 0 ? 1 / result : result
  }

  /// One rounding rule: a γ with binary noise resolves like its canonical text (3.5 frames → 4, never 3).
  @Test func noisyAndPrintedFactorsResolveAlike() throws {
    for (noisy, printed) in [(3.4999999999999996, 3.5), (2.4999999999999996, 2.5), (0.6999999999999998, 0.7)] {
      var a = ModelRequest()
      a.gammaT = noisy
      a.gammaS = noisy
      a.gammaD = noisy
      var b = ModelRequest()
      b.gammaT = printed
      b.gammaS = printed
      b.gammaD = printed
      let (x, y) = (try a.resolve(), try b.resolve())
      #expect(x == y)
      #expect(x.frames == Int(ExpansionVector.frames(forGammaT: printed)))
      #expect(x.gammaFlags.contains("--gamma-t \(CanonicalDecimal.text(printed))"))
    }
    var request = ModelRequest()
    request.gammaT = 3.5
    #expect(try request.resolve().frames == 4)
    // 2·γw can need a seventh digit; the width factor is canonical, so the YAML's WIDTH_FACTOR builds it too.
    request.gammaW = 9.99999
    let wide = try request.resolve()
    #expect(wide.widthFactor == 20)
    #expect(wide.slowFastYAML.contains("WIDTH_FACTOR: 20.0"))
  }
}

extension CanonicalDecimalTests {
  /// A sweep rounds its value lists once and marks its requests; a factor changed afterwards is rounded again.
  @Test func sweepRequestsFollowTheSameRule() throws {
    var plan = SweepPlan()
    plan.values[.gammaD] = [2.4000000000000004, 3.4999999999999996]
    plan.values[.gammaT] = [3.4999999999999996]
    var printed = ModelRequest()
    printed.gammaD = 2.4
    printed.gammaT = 3.5
    let first = plan.request(at: 0)
    #expect(first == printed)
    #expect(try first.resolve() == printed.resolve())
    #expect(try first.resolve().frames == 4)
    #expect(plan.definition.contains("gamma-d=2.4,3.5"), "\(plan.definition)")
    var changed = plan.request(at: 1)
    changed.gammaD = 2.4000000000000004
    #expect(try changed.resolve() == printed.resolve())
  }
}

/// SplitMix64 as a `RandomNumberGenerator`, for reproducible random tests.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
