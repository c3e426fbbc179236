import CostModel
import Testing
import X3DModel

@testable import LatencyModel

@Suite("Calibration and cross-validation")
struct CalibrationTests {
  /// A machine with known per-class parameters, far from the plain roofline.
  static let truth: HardwareProfile = {
    var profile = HardwareProfile(
      name: "truth", source: "", peakFlopsPerSecond: [.f32: 1e11], memoryBytesPerSecond: 2e10)
    profile.classes = [
      .stem: ClassParameters(computeEfficiency: 0.2, memoryEfficiency: 0.5, overheadSeconds: 20e-6),
      .pointwise: ClassParameters(computeEfficiency: 0.6, memoryEfficiency: 2, overheadSeconds: 5e-6),
      .depthwise: ClassParameters(computeEfficiency: 0.05, memoryEfficiency: 0.3, overheadSeconds: 8e-6),
      .se: ClassParameters(computeEfficiency: 1, memoryEfficiency: 1, overheadSeconds: 3e-6),
      .elementwise: ClassParameters(computeEfficiency: 1, memoryEfficiency: 0.8, overheadSeconds: 2e-6),
      .head: ClassParameters(computeEfficiency: 0.4, memoryEfficiency: 1, overheadSeconds: 10e-6),
    ]
    return profile
  }()

  static func samples(_ count: Int, offset: Int = 0) throws -> [LatencySample] {
    let roofline = try Roofline(truth, elementType: .f32)
    return try (offset..<(offset + count)).map { i in
      let configuration = try ModelConfiguration(
        frames: 1 + i % 5, crop: 64 + 16 * (i % 7), widthFactor: 1 + 0.25 * Double(i % 4),
        depthFactor: 0.4 + 0.3 * Double(i % 3), bottleneckFactor: 1 + 0.5 * Double(i % 2), classes: 10)
      let work = try NetworkWork(configuration)
      return LatencySample(label: "c\(i)", work: work, seconds: work.seconds(on: roofline))
    }
  }

  @Test("fitted to exact roofline times, it predicts unseen configurations within 1%")
  func recoversMachine() throws {
    let base = HardwareProfile(
      name: "base", source: "", peakFlopsPerSecond: [.f32: 1e11], memoryBytesPerSecond: 2e10)
    let fitted = try Calibration.fit(try Self.samples(40), base: base, elementType: .f32)
    let roofline = try Roofline(fitted, elementType: .f32)
    let uncalibrated = try Roofline(base, elementType: .f32)
    var worstBefore = 0.0
    for sample in try Self.samples(20, offset: 101) {
      let error = abs(sample.work.seconds(on: roofline) - sample.seconds) / sample.seconds
      #expect(error < 0.01, "\(sample.label): \(error)")
      worstBefore = max(worstBefore, abs(sample.work.seconds(on: uncalibrated) - sample.seconds) / sample.seconds)
    }
    // The plain roofline is far off: the test would fail without the fit.
    #expect(worstBefore > 0.5)
  }

  @Test("cross-validation on exact data: every held-out configuration within 10%, τ near 1")
  func crossValidation() throws {
    let base = HardwareProfile(
      name: "base", source: "", peakFlopsPerSecond: [.f32: 1e11], memoryBytesPerSecond: 2e10)
    let validation = try CrossValidation(try Self.samples(48), base: base, elementType: .f32, folds: 2)
    #expect(validation.predictions.count == 48)
    #expect(validation.shareWithin(0.1) == 1)
    #expect(validation.medianAbsoluteRelativeError < 0.01)
    #expect(validation.tauPredicted > 0.95)
  }

  @Test("a machine that computes depthwise rows in 8 lanes: recovered with the lanes, not without")
  func recoversLanes() throws {
    var truth = Self.truth
    truth.rowVectorLanes = 8
    let roofline = try Roofline(truth, elementType: .f32)
    let samples = try Self.samples(48).map { sample in
      LatencySample(label: sample.label, work: sample.work, seconds: sample.work.seconds(on: roofline))
    }
    var base = HardwareProfile(name: "base", source: "", peakFlopsPerSecond: [.f32: 1e11], memoryBytesPerSecond: 2e10)
    let blind = try CrossValidation(samples, base: base, elementType: .f32, folds: 2)
    base.rowVectorLanes = 8
    let laned = try CrossValidation(samples, base: base, elementType: .f32, folds: 2)
    #expect(laned.medianAbsoluteRelativeError < 0.01)
    #expect(blind.medianAbsoluteRelativeError > 2 * laned.medianAbsoluteRelativeError)
    #expect(try Calibration.fit(samples, base: base, elementType: .f32).rowVectorLanes == 8)
  }

  @Test("a machine whose memory traffic adds to its arithmetic: calibration chooses the sum and recovers it")
  func choosesSum() throws {
    var truth = Self.truth
    truth.memoryOverlapsCompute = false
    let roofline = try Roofline(truth, elementType: .f32)
    let samples = try Self.samples(48).map { sample in
      LatencySample(label: sample.label, work: sample.work, seconds: sample.work.seconds(on: roofline))
    }
    let base = HardwareProfile(name: "base", source: "", peakFlopsPerSecond: [.f32: 1e11], memoryBytesPerSecond: 2e10)
    #expect(try Calibration.fit(samples, base: base, elementType: .f32).memoryOverlapsCompute == false)
    let validation = try CrossValidation(samples, base: base, elementType: .f32, folds: 2)
    #expect(validation.medianAbsoluteRelativeError < 0.01)
  }

  @Test("fewer measurements than parameters, or a non-positive latency, are refused")
  func refused() throws {
    let base = HardwareProfile.builtIn["l4"]!
    var samples = try Self.samples(5)
    #expect(throws: LatencyError.tooFewMeasurements(count: 5, parameters: 18)) {
      try Calibration.fit(samples, base: base, elementType: .f32)
    }
    samples = try Self.samples(20)
    samples[3].seconds = 0
    #expect(throws: LatencyError.invalidMeasurement(configuration: "c3", value: 0)) {
      try Calibration.fit(samples, base: base, elementType: .f32)
    }
    #expect(throws: LatencyError.tooFewForFolds(count: 20, folds: 4, training: 15, parameters: 18)) {
      try CrossValidation(try Self.samples(20), base: base, elementType: .f32, folds: 4)
    }
  }

  @Test("Kendall's τ-b on small cases worked by hand")
  func kendall() {
    #expect(KendallTau.tauB([1, 2, 3], [1, 2, 3]) == 1)
    #expect(KendallTau.tauB([1, 2, 3], [3, 2, 1]) == -1)
    #expect(abs(KendallTau.tauB([1, 2, 3], [1, 3, 2]) - 1.0 / 3) < 1e-15)
    // One tie in a: 5 pairs of 6 untied in a; (C − D) = 4 − 1.
    #expect(abs(KendallTau.tauB([1, 1, 2, 3], [1, 2, 3, 4]) - 5 / (5 * 6).squareRoot()) < 1e-15)
  }
}
