import CostModel
import ExpansionSearch
import SweepStore
import Testing
import X3DModel

/// Random searches: every candidate's printed γ flags, SlowFast YAML and pytorchvideo arguments, read back as a
/// user would paste them, rebuild the network the search priced (equal totals, field by field).
struct PrintedModelTests {
  @Test(arguments: 0..<8)
  func everyPrintedModelCostsWhatTheSearchPriced(_ seed: UInt64) throws {
    var generator = SeededGenerator(seed: 1000 + seed)
    let start = [Preset.x2d, .x2d, .xs][Int.random(in: 0..<3, using: &generator)]
    var settings = SearchSettings(target: 1)
    settings.start = try ModelConfiguration(preset: start).gammas
    settings.measure = Bool.random(using: &generator) ? .macs : .params
    settings.implementation = ImplementationVariant.allCases.randomElement(using: &generator)!
    settings.axes = ExpansionAxis.allCases.filter { _ in Bool.random(using: &generator) }
    if settings.axes.isEmpty { settings.axes = [.depth, .frameRate] }
    settings.stepRatio = Double.random(in: 1.4...3, using: &generator)
    let startCost = try CandidatePricer(implementation: settings.implementation, measure: settings.measure)
      .candidate(settings.start, axis: nil, factor: 1).complexity
    settings.target = Int(Double(startCost) * Double.random(in: 3...12, using: &generator))
    let salt = UInt64.random(in: 0...UInt64.max, using: &generator)
    // A deterministic random score per configuration.
    let criterion = FunctionCriterion(cacheKey: "random\(seed)") { candidate in
      var hash = salt
      for byte in candidate.key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
      return .scored(Double(hash % 1000))
    }
    let run = try ExpansionSearch(name: "random", settings: settings).run(criterion: criterion, ledger: MemoryLedger())
    var candidates = run.steps.flatMap(\.candidates)
    if case .finished(let final, _, _) = run.status { candidates.append(final) }
    #expect(candidates.count > 3)
    for candidate in candidates {
      try expectReprices(candidate, settings)
    }
  }

  func expectReprices(_ candidate: Candidate, _ settings: SearchSettings) throws {
    let c = candidate.configuration
    let g = candidate.vector
    for value in [g.gammaTau, g.gammaT, g.gammaS, g.gammaW, g.gammaB, g.gammaD, candidate.factor] {
      #expect(CanonicalDecimal.isCanonical(value), "\(value) in \(candidate.key)")
    }
    #expect(!candidate.key.contains("000000"), "\(candidate.key)")

    // γ flags, as printed.
    var fromFlags = ModelRequest(implementation: settings.implementation)
    let words = c.gammaFlags.split(separator: " ").map(String.init)
    for (flag, value) in zip(
      words.enumerated().filter { $0.offset % 2 == 0 }.map(\.element),
      words.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
    {
      let number = try #require(Double(value), "\(flag) \(value)")
      switch flag {
      case "--gamma-tau": fromFlags.gammaTau = number
      case "--gamma-t": fromFlags.gammaT = number
      case "--gamma-s": fromFlags.gammaS = number
      case "--gamma-w": fromFlags.gammaW = number
      case "--gamma-b": fromFlags.gammaB = number
      case "--gamma-d": fromFlags.gammaD = number
      default: Issue.record("unexpected flag \(flag)")
      }
    }
    try expectSameNetwork(fromFlags, candidate, "γ flags \(c.gammaFlags)")

    // SlowFast YAML, as printed.
    var fromYAML = ModelRequest(implementation: settings.implementation)
    for line in c.slowFastYAML.split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2 else { continue }
      let value = parts[1].split(separator: "#")[0].trimmingCharacters(in: .whitespaces)
      switch parts[0] {
      case "NUM_FRAMES": fromYAML.frames = Int(value)
      case "TRAIN_CROP_SIZE": fromYAML.crop = Int(value)
      case "WIDTH_FACTOR": fromYAML.widthFactor = Double(value)
      case "DEPTH_FACTOR": fromYAML.depthFactor = Double(value)
      case "BOTTLENECK_FACTOR": fromYAML.bottleneckFactor = Double(value)
      case "NUM_CLASSES": fromYAML.classes = Int(value)
      default: break
      }
    }
    fromYAML.gammaTau = c.samplingRate
    try expectSameNetwork(fromYAML, candidate, "YAML\n\(c.slowFastYAML)")

    // pytorchvideo arguments, as printed.
    var fromPython = ModelRequest(implementation: settings.implementation)
    let inside = c.pytorchvideoArguments.dropFirst("create_x3d(".count).dropLast()
    for pair in inside.split(separator: ",") {
      let parts = pair.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
      switch parts[0] {
      case "input_clip_length": fromPython.frames = Int(parts[1])
      case "input_crop_size": fromPython.crop = Int(parts[1])
      case "model_num_class": fromPython.classes = Int(parts[1])
      case "width_factor": fromPython.widthFactor = Double(parts[1])
      case "depth_factor": fromPython.depthFactor = Double(parts[1])
      case "bottleneck_factor": fromPython.bottleneckFactor = Double(parts[1])
      default: Issue.record("unexpected argument \(parts[0])")
      }
    }
    fromPython.gammaTau = c.samplingRate
    try expectSameNetwork(fromPython, candidate, c.pytorchvideoArguments)
  }

  func expectSameNetwork(_ request: ModelRequest, _ candidate: Candidate, _ printed: String) throws {
    let configuration = try request.resolve()
    #expect(
      try CostReport.totals(configuration) == candidate.totals,
      "\(printed) rebuilds \(ConfigurationKey.make(configuration)), priced \(candidate.key)")
    #expect(ConfigurationKey.make(configuration) == candidate.key, "\(printed)")
  }
}
