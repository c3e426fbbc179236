import X3DModel

/// Totals of one part of the network (stem, res2…res5, head) for a per-stage report.
public struct StageCost: Hashable, Sendable {
  public var stage: StageID
  public var macs = 0
  public var params = 0
  public var activations = 0
  public var outputElements = 0
  public var nodes = 0

  public init(stage: StageID) { self.stage = stage }

  /// Sums rows by stage, in network order (the input node is left out).
  public static func aggregate(_ rows: [LayerRow]) -> [StageCost] {
    var stages = StageID.allCases.filter { $0 != .input }.map(StageCost.init(stage:))
    for row in rows where row.node.path.stage != .input {
      let position = row.node.path.stage.rawValue - 1
      let copies = row.node.repeatCount
      stages[position].macs += row.cost.macs * copies
      stages[position].params += row.cost.parameterCount * copies
      stages[position].activations += row.cost.fvcoreActivationCount * copies
      stages[position].outputElements += row.cost.outputElements * copies
      stages[position].nodes += copies
    }
    return stages
  }
}
