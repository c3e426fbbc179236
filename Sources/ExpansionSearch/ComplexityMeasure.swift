import CostModel
import LatencyModel
import X3DModel

/// The complexity a search controls, always an integer so the search's arithmetic is exact:
/// - a whole-network ``CostField`` (``CostField/networkTotals``), named as in JSON and the store (`macs`, `params`,
///   `fvcore_flops`, `inference_peak_bytes`, …; `fvcore` is accepted for `fvcore_flops`);
/// - or the roofline's predicted latency of the whole network on a hardware profile at f32
///   (``NetworkWork/seconds(on:)``), in nanoseconds rounded to the nearest, named `predicted_ns@PROFILE`.
public struct ComplexityMeasure: Hashable, Sendable {
  public enum Kind: Hashable, Sendable {
    case cost(CostField)
    /// Predicted nanoseconds on the profile at the element type.
    case predictedLatency(profile: HardwareProfile, elementType: ElementType)
  }

  public let kind: Kind
  /// The roofline of a latency measure, built once (nil for a cost field).
  private let roofline: Roofline?

  public init(_ field: CostField) {
    precondition(field.isNetworkTotal, "a complexity measure is a whole-network figure")
    kind = .cost(field)
    roofline = nil
  }

  /// The predicted latency on `profile`; throws when the profile has no peak for `elementType`.
  public init(predictedLatencyOn profile: HardwareProfile, elementType: ElementType = .f32) throws(LatencyError) {
    kind = .predictedLatency(profile: profile, elementType: elementType)
    roofline = try Roofline(profile, elementType: elementType)
  }

  /// A cost field by name; nil for any other name.
  public init?(rawValue: String) {
    guard let field = CostField(name: rawValue == "fvcore" ? "fvcore_flops" : rawValue), field.isNetworkTotal
    else { return nil }
    self.init(field)
  }

  /// The name in definitions, the store and output: the field's name, or `predicted_ns@PROFILE` (the profile's
  /// name, plus `/TYPE` for an element type other than f32).
  public var rawValue: String {
    switch kind {
    case .cost(let field): field.name
    case .predictedLatency(let profile, let elementType):
      "predicted_ns@\(profile.name)" + (elementType == .f32 ? "" : "/\(elementType.rawValue)")
    }
  }

  /// The cost-field measures.
  public static let allCases = CostField.networkTotals.map(ComplexityMeasure.init)

  /// Conv + linear multiply-adds (the paper's "FLOPs"): the default.
  public static let macs = ComplexityMeasure(.macs)
  public static let params = ComplexityMeasure(.params)

  /// The value for `configuration`, whose whole-network costs are `totals`.
  public func value(of configuration: ModelConfiguration, totals: CostTotals) throws(ConfigurationError) -> Int {
    switch kind {
    case .cost(let field): return totals[field]
    case .predictedLatency(_, let elementType):
      let seconds = try NetworkWork(configuration, elementType: elementType).seconds(on: roofline!)
      return Int((seconds * 1e9).rounded())
    }
  }

  public static func == (a: Self, b: Self) -> Bool { a.kind == b.kind }
  public func hash(into hasher: inout Hasher) { hasher.combine(kind) }
}
