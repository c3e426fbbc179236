import X3DModel

/// Everything that defines a search; two runs with equal settings and criterion make the same candidates.
public struct SearchSettings: Hashable, Sendable {
  /// How the best candidate of a step is chosen.
  public enum Selection: String, CaseIterable, Sendable {
    /// The highest score.
    case score
    /// The highest score gain per added complexity: `(score − current score) / (complexity / current − 1)`.
    case gainPerComplexity = "gain"
  }

  /// What a failed candidate does to the search.
  public enum FailurePolicy: String, CaseIterable, Sendable {
    /// Leave it out of the step and go on (the step fails only if every candidate failed).
    case skip
    /// Stop the search.
    case stop
  }

  public var start: ExpansionVector = .x2d
  public var axes: [ExpansionAxis] = ExpansionAxis.allCases
  /// Each candidate aims at `stepRatio ×` the current complexity (default 2).
  public var stepRatio: Double = 2
  /// Stop expanding once the complexity reaches this.
  public var target: Int
  public var measure: ComplexityMeasure = .macs
  public var selection: Selection = .score
  /// Contraction aims at `|complexity − target| ≤ tolerance · target`.
  public var tolerance: Double = 0.02
  public var onFailure: FailurePolicy = .skip
  public var maximumSteps = 64
  public var implementation: ImplementationVariant = .paper
  public var classes = 400

  public init(target: Int) { self.target = target }

  /// Checks the values a user can get wrong.
  public func validate() throws(SearchError) {
    if axes.isEmpty { throw .noAxes }
    guard stepRatio.isFinite, stepRatio > 1 else {
      throw .invalidSetting(name: "--step-ratio", value: "\(stepRatio)", reason: "must be a finite number above 1")
    }
    guard tolerance.isFinite, tolerance >= 0, tolerance < 1 else {
      throw .invalidSetting(name: "--tolerance", value: "\(tolerance)", reason: "must be in [0, 1)")
    }
    guard target > 0 else {
      throw .invalidSetting(name: "target", value: "\(target)", reason: "must be positive")
    }
  }
}
