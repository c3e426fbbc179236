import CostModel
import Testing
import X3DModel

/// `TotalsEvaluator` (segments priced once, remembered, combined) must agree exactly with `CostReport.totals`,
/// errors included, whatever order configurations come in and however often its memo is cleared.
struct TotalsEvaluatorTests {
  /// The outcome of one totals call, comparable.
  static func outcome(_ body: () throws(ConfigurationError) -> CostTotals) -> Result<CostTotals, ConfigurationError> {
    do { return .success(try body()) } catch { return .failure(error) }
  }

  static func expectAgreement(
    _ configurations: [ModelConfiguration], capacity: Int, sharedCapacity: Int = 1 << 12,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    for elementType in ElementType.allCases {
      var evaluator = TotalsEvaluator(elementType: elementType, capacity: capacity, sharedCapacity: sharedCapacity)
      for configuration in configurations {
        let fast = outcome { () throws(ConfigurationError) in try evaluator.totals(configuration) }
        let reference = outcome { () throws(ConfigurationError) in
          try CostReport.totals(configuration, elementType: elementType)
        }
        #expect(fast == reference, "\(configuration) \(elementType)", sourceLocation: sourceLocation)
      }
    }
  }

  /// Random configurations, each at several depths (the memo is keyed without the depth factor, so deeper
  /// configurations reuse and extend an entry), with a large memo and with one that is cleared constantly.
  @Test func agreesOnRandomConfigurations() throws {
    var generator = SplitMix(seed: 11)
    var configurations: [ModelConfiguration] = []
    for _ in 0..<60 {
      let frames = generator.int(1...16)
      let crop = generator.int(24...300)
      let testCrop: Int? = generator.int(0...3) == 0 ? generator.int(24...360) : nil
      let width = generator.double(0.3...4.5)
      let bottleneck = generator.double(0.8...4)
      let classes = generator.int(1...1000)
      let batch = generator.int(1...4)
      let implementation = ImplementationVariant.allCases[generator.int(0...2)]
      for depth in [generator.double(0.2...6), 0.3, 1, 2.2, 5, 0.5] {
        configurations.append(
          try ModelConfiguration(
            frames: frames, crop: crop, testCrop: testCrop, widthFactor: width, depthFactor: depth,
            bottleneckFactor: bottleneck, classes: classes, batch: batch, implementation: implementation))
      }
    }
    configurations += try Preset.allCases.map { try ModelConfiguration(preset: $0) }
    Self.expectAgreement(configurations, capacity: 1 << 10)
    Self.expectAgreement(configurations, capacity: 3)
    Self.expectAgreement(configurations.reversed(), capacity: 1)
  }

  /// Configurations the reference path refuses (overflow, zero extents) get the same error from the evaluator,
  /// also after an entry for the same widths was made at a smaller depth.
  @Test func reportsTheSameErrors() throws {
    var configurations: [ModelConfiguration] = []
    for depth in [0.5, 1.0, 40, 1000] {
      configurations.append(
        try ModelConfiguration(
          frames: 1 << 12, crop: 1 << 14, widthFactor: 40, depthFactor: depth, bottleneckFactor: 9, batch: 1 << 10))
      configurations.append(
        try ModelConfiguration(
          frames: 1 << 10, crop: 1 << 12, widthFactor: 2000, depthFactor: depth, bottleneckFactor: 40, batch: 64))
      configurations.append(
        try ModelConfiguration(
          frames: 4, crop: 20, testCrop: 8, widthFactor: 2, depthFactor: depth, bottleneckFactor: 2))
      configurations.append(
        try ModelConfiguration(
          frames: 1 << 30, crop: 1 << 30, widthFactor: 1, depthFactor: depth, bottleneckFactor: 1, batch: 1 << 30))
    }
    var failures = 0
    for configuration in configurations {
      if case .failure = Self.outcome({ () throws(ConfigurationError) in try CostReport.totals(configuration) }) {
        failures += 1
      }
    }
    #expect(failures > 4)
    Self.expectAgreement(configurations, capacity: 16)
  }

  /// A grid like the sweep's (crops 8 apart, so later stages and heads are shared between crops; stems between
  /// bottleneck factors), at several depths and element types, with a memo that holds all of it, one that is
  /// cleared often, and a shared-segment table that is cleared often.
  @Test func agreesOnASharedGrid() throws {
    var configurations: [ModelConfiguration] = []
    for bottleneck in [1.0, 2.25] {
      for depth in [1.0, 2.2, 0.4] {
        for width in [1.0, 1.25, 2.5] {
          for crop in stride(from: 64, through: 136, by: 8) {
            for frames in [1, 4] {
              configurations.append(
                try ModelConfiguration(
                  frames: frames, crop: crop, widthFactor: width, depthFactor: depth, bottleneckFactor: bottleneck))
            }
          }
        }
      }
    }
    Self.expectAgreement(configurations, capacity: 1 << 10)
    Self.expectAgreement(configurations, capacity: 7)
    Self.expectAgreement(configurations, capacity: 1 << 10, sharedCapacity: 5)
  }
}
