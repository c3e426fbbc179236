import CostModel
import ExpansionSearch
import LatencyModel
import Testing
import X3DModel

/// A search under a latency budget: the measure is the roofline's predicted nanoseconds on a profile.
struct LatencyMeasureTests {
  /// The predicted nanoseconds of `configuration` on `profile`, recomputed through LatencyModel alone.
  func predictedNanoseconds(_ configuration: ModelConfiguration, on profile: String) throws -> Double {
    let roofline = try Roofline(try HardwareProfile.load(profile), elementType: .f32)
    return try NetworkWork(configuration, elementType: .f32).seconds(on: roofline) * 1e9
  }

  @Test(arguments: [("h200", 20_000), ("t4", 400_000)])
  func searchEndsWithinToleranceOfTheLatencyTarget(_ profile: String, _ target: Int) throws {
    var settings = SearchSettings(target: target)
    settings.measure = try ComplexityMeasure(predictedLatencyOn: try HardwareProfile.load(profile))
    let criterion = FunctionCriterion(cacheKey: "depth") { .scored($0.vector.gammaD) }
    let run = try ExpansionSearch(name: "latency", settings: settings).run(
      criterion: criterion, ledger: MemoryLedger())
    guard case .finished(let final, _, let within) = run.status else {
      Issue.record("not finished")
      return
    }
    #expect(within)
    let nanoseconds = try predictedNanoseconds(final.configuration, on: profile)
    #expect(abs(Double(final.complexity) - nanoseconds) <= 0.5)
    #expect(abs(nanoseconds - Double(target)) <= settings.tolerance * Double(target), "\(nanoseconds) ns")
    // Every step of the forward path got slower.
    let path = run.steps.filter { $0.phase == .forward }.compactMap { $0.chosenCandidate?.complexity }
    #expect(path.count >= 2)
    #expect(zip(path, path.dropFirst()).allSatisfy { $0 < $1 })
  }

  @Test func namesKeepCostFieldsAndNameTheProfile() throws {
    #expect(ComplexityMeasure(rawValue: "macs") == .macs)
    #expect(ComplexityMeasure(rawValue: "fvcore")?.rawValue == "fvcore_flops")
    #expect(ComplexityMeasure(rawValue: "predicted_ms") == nil)
    let h200 = try ComplexityMeasure(predictedLatencyOn: try HardwareProfile.load("h200"))
    #expect(h200.rawValue == "predicted_ns@h200")
    let f16 = try ComplexityMeasure(predictedLatencyOn: try HardwareProfile.load("a100"), elementType: .f16)
    #expect(f16.rawValue == "predicted_ns@a100/f16")
    #expect(h200 != f16)
    #expect(throws: LatencyError.self) {
      try ComplexityMeasure(predictedLatencyOn: try HardwareProfile.load("t4"), elementType: .bf16)
    }
    var settings = SearchSettings(target: 50_000_000)
    settings.measure = h200
    #expect(settings.definition.hasPrefix("target=50000000 measure=predicted_ns@h200 "))
  }
}
