import X3DModel

/// Totals of one part of the network (stem, res2…res5, head) for a per-stage report.
public struct StageCost: Hashable, Sendable {
  public var stage: StageID
  /// Σ over the stage's nodes of each per-node field (memory fields are zero: they belong to the network).
  public var costs = CostVector()
  public var nodes = 0

  /// The fields a per-stage report shows, in order.
  public static let fields: [CostField] = [.macs, .params, .activations, .outputElements]

  public init(stage: StageID) { self.stage = stage }

  public subscript(field: CostField) -> Int { costs[field] }

  /// Sums rows by stage, in network order (the input node is left out).
  public static func aggregate(_ rows: [LayerRow]) -> [StageCost] {
    var stages = StageID.allCases.filter { $0 != .input }.map(StageCost.init(stage:))
    for row in rows where row.node.path.stage != .input {
      let position = row.node.path.stage.rawValue - 1
      let copies = row.node.repeatCount
      // A per-layer report's rows sum to its totals, which did not overflow.
      stages[position].costs.addUnchecked(row.cost, copies: copies)
      stages[position].nodes += copies
    }
    return stages
  }
}
