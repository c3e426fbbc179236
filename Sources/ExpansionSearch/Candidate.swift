import CostModel
import Foundation
import X3DModel

/// A model the search considers: an expansion vector, the configuration it resolves to and its cost.
///
/// The vector and the factor are canonical decimals (``CanonicalDecimal``), and the configuration is what
/// ``ModelRequest/resolve()`` makes of the vector's γ flags: printing `configuration.gammaFlags` and costing them
/// again gives `totals`.
public struct Candidate: Hashable, Sendable {
  /// The axis expanded to make it (nil for the start and for contracted models made from several).
  public var axis: ExpansionAxis?
  /// The factor applied to that axis (canonical; the expanded γ divided by the one it grew from).
  public var factor: Double
  public var vector: ExpansionVector
  public var configuration: ModelConfiguration
  /// The whole-network costs of `configuration`.
  public var totals: CostTotals
  /// The measure the search controls (``ComplexityMeasure/value(of:totals:)``).
  public var complexity: Int

  /// The store's identity of the configuration, used to cache scores.
  public var key: String { CandidateKey.make(configuration) }
}

/// Turns expansion vectors into priced candidates.
public struct CandidatePricer: Sendable {
  public var implementation: ImplementationVariant
  public var classes: Int
  public var measure: ComplexityMeasure

  public init(implementation: ImplementationVariant = .paper, classes: Int = 400, measure: ComplexityMeasure = .macs) {
    self.implementation = implementation
    self.classes = classes
    self.measure = measure
  }

  /// The configuration of `vector`: every hyperparameter from its γ factors (x3d-reference.md §2).
  public func configuration(of vector: ExpansionVector) throws(ConfigurationError) -> ModelConfiguration {
    var request = ModelRequest(implementation: implementation)
    request.gammaTau = vector.gammaTau
    request.gammaT = vector.gammaT
    request.gammaS = vector.gammaS
    request.gammaW = vector.gammaW
    request.gammaB = vector.gammaB
    request.gammaD = vector.gammaD
    request.classes = classes
    return try request.resolve()
  }

  /// The candidate of `vector`, made canonical, with `factor` made canonical.
  public func candidate(_ vector: ExpansionVector, axis: ExpansionAxis?, factor: Double) throws(ConfigurationError)
    -> Candidate
  {
    let vector = vector.canonical
    let configuration = try configuration(of: vector)
    let totals = try CostReport.totals(configuration)
    return Candidate(
      axis: axis, factor: CanonicalDecimal.rounded(factor), vector: vector, configuration: configuration,
      totals: totals, complexity: try measure.value(of: configuration, totals: totals))
  }

  /// The expansion of `current` along `axis` whose complexity is closest to `goal` (in ratio), with a factor above
  /// one. Bisection on the factor: rounding makes complexity a step function of it, so the two steps around the
  /// goal are compared and the nearer (|log(c/goal)|) wins, ties to the smaller. Nil when the axis cannot raise
  /// the complexity at all.
  public func expansion(of current: Candidate, along axis: ExpansionAxis, toward goal: Int) -> Candidate? {
    func price(_ factor: Double) -> Candidate? {
      try? candidate(axis.expand(current.vector, by: factor), axis: axis, factor: factor)
    }
    // Grow the bracket until the goal is reached or the configuration becomes invalid.
    var low = 1.0
    var lowCandidate: Candidate? = nil
    var high = 2.0
    var highCandidate = price(high)
    var doublings = 0
    while let h = highCandidate, h.complexity < goal, doublings < 40 {
      low = high
      lowCandidate = h
      high *= 2
      highCandidate = price(high)
      doublings += 1
    }
    if highCandidate == nil {
      // Shrink toward the last valid factor.
      var bad = high
      for _ in 0..<60 {
        let middle = (low + bad) / 2
        if let c = price(middle) {
          low = middle
          lowCandidate = c
        } else {
          bad = middle
        }
      }
      high = low
      highCandidate = lowCandidate
    }
    // Invariant: complexity(low) < goal ≤ complexity(high) (when the goal is reachable).
    if let h = highCandidate, h.complexity >= goal {
      for _ in 0..<60 {
        let middle = (low + high) / 2
        guard middle > low, middle < high, let c = price(middle) else { break }
        if c.complexity >= goal {
          high = middle
          highCandidate = c
        } else {
          low = middle
          lowCandidate = c
        }
      }
    }
    let options = [lowCandidate, highCandidate].compactMap { $0 }.filter { $0.complexity > current.complexity }
    let best = options.min { a, b in
      let da = abs(log(Double(a.complexity) / Double(goal)))
      let db = abs(log(Double(b.complexity) / Double(goal)))
      return da < db || (da == db && a.factor < b.factor)
    }
    return best.map { simplified($0, from: current.vector) }
  }

  /// The same network reached with the expanded γ written with as few significant digits as possible (1 to 6), so
  /// keys, configs and YAML read `2.5`, not `2.40137`. The frame-rate axis keeps the clip duration `γt·γτ` (γτ to six
  /// significant digits). Every candidate is already canonical, so when no shorter γ gives the same network the
  /// candidate stays as it is.
  public func simplified(_ candidate: Candidate, from base: ExpansionVector) -> Candidate {
    guard let axis = candidate.axis else { return candidate }
    let path: WritableKeyPath<ExpansionVector, Double> =
      switch axis {
      case .frameRate, .frames: \.gammaT
      case .spatial: \.gammaS
      case .width: \.gammaW
      case .bottleneck: \.gammaB
      case .depth: \.gammaD
      }
    let exact = candidate.vector[keyPath: path]
    // Per number of digits: the nearest decimal, then the ones above and below (the network is the same over an
    // interval of γ, which may start just above a short decimal: γd 2.40001 builds what 2.5 builds, not 2.4).
    let tries = (1..<CanonicalDecimal.significantDigits).flatMap { digits in
      [FloatingPointRoundingRule.toNearestOrAwayFromZero, .up, .down].map {
        CanonicalDecimal.rounded(exact, digits: digits, rule: $0)
      }
    }
    var tried: Set<Double> = []
    for rounded in tries where rounded > 0 && tried.insert(rounded).inserted {
      var vector = candidate.vector
      vector[keyPath: path] = rounded
      if axis == .frameRate { vector.gammaTau = base.gammaTau * base.gammaT / rounded }
      let factor = rounded / base[keyPath: path]
      if let simpler = try? self.candidate(vector, axis: axis, factor: factor),
        simpler.configuration.frames == candidate.configuration.frames,
        simpler.configuration.crop == candidate.configuration.crop,
        simpler.totals == candidate.totals,
        (try? X3DArchitecture(simpler.configuration)) == (try? X3DArchitecture(candidate.configuration))
      {
        return simpler
      }
    }
    return candidate
  }
}
