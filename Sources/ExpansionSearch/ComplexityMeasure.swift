import CostModel

/// The complexity a search controls: any whole-network ``CostField`` (``CostField/networkTotals``), named as in
/// JSON and the store (`macs`, `params`, `fvcore_flops`, `inference_peak_bytes`, …). `fvcore` is accepted for
/// `fvcore_flops`.
public struct ComplexityMeasure: RawRepresentable, CaseIterable, Hashable, Sendable, Codable {
  public let field: CostField

  public init(_ field: CostField) {
    precondition(field.isNetworkTotal, "a complexity measure is a whole-network figure")
    self.field = field
  }

  public init?(rawValue: String) {
    guard let field = CostField(name: rawValue == "fvcore" ? "fvcore_flops" : rawValue), field.isNetworkTotal
    else { return nil }
    self.field = field
  }

  public var rawValue: String { field.name }

  public static let allCases = CostField.networkTotals.map(ComplexityMeasure.init)

  /// Conv + linear multiply-adds (the paper's "FLOPs"): the default.
  public static let macs = ComplexityMeasure(.macs)
  public static let params = ComplexityMeasure(.params)

  public func value(of totals: CostTotals) -> Int { totals[field] }
}
