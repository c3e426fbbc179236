import CostModel
import X3DModel

/// Which term of the roofline sets a node's time.
public enum Bound: String, Sendable, CaseIterable {
  /// `FLOPs / (peak·e)` is the larger term.
  case compute
  /// `bytes / (bandwidth·m)` is the larger term.
  case memory
  /// The fixed cost `o` exceeds both.
  case overhead
}

/// A node's predicted time.
public struct NodePrediction: Hashable, Sendable {
  public var seconds: Double
  public var bound: Bound
  /// Zero for the input clip.
  public static let none = NodePrediction(seconds: 0, bound: .overhead)
}

/// The roofline of one profile at one element type, per node:
///
/// `time = max(F / (P·e), B / (W·m)) + o`
///
/// with `F` the node's full FLOPs (2 per multiply-add plus elementwise work, ``LayerCost/fullFlops``), `B` its
/// compulsory bytes read and written (``CostField/bytesRead``, ``CostField/bytesWritten``), `P` the peak FLOP/s at the element type, `W` the memory
/// bandwidth and `e, m, o` the parameters of the node's ``NodeClass`` (1, 1, 0 without calibration: the bound
/// itself). The input clip takes no time. With ``HardwareProfile/rowVectorLanes`` `L > 1`, a depthwise node's `F`
/// is its priced FLOPs ``pricedFlops(_:rowWidth:nodeClass:)``: its rows of `W` outputs computed in vectors of `L`.
/// Where the profile's memory does not overlap compute (``HardwareProfile/memoryOverlapsCompute`` false), the two
/// terms add: `time = F / (P·e) + B / (W·m) + o`; the bound is still the larger term.
public struct Roofline: Sendable {
  public let profile: HardwareProfile
  public let elementType: ElementType
  /// Per class: seconds per FLOP `1/(P·e)`, seconds per byte `1/(W·m)`, overhead `o`.
  let rates: [(perFlop: Double, perByte: Double, overhead: Double)]
  let lanes: Int
  let overlaps: Bool

  public init(_ profile: HardwareProfile, elementType: ElementType) throws(LatencyError) {
    let peak = try profile.peak(elementType)
    self.profile = profile
    self.elementType = elementType
    lanes = profile.rowVectorLanes
    overlaps = profile.memoryOverlapsCompute
    rates = NodeClass.allCases.map { nodeClass in
      let p = profile.parameters(nodeClass)
      return (
        1 / (peak * p.computeEfficiency), 1 / (profile.memoryBytesPerSecond * p.memoryEfficiency),
        p.overheadSeconds
      )
    }
  }

  /// The FLOPs a node is priced at: its full FLOPs, times `⌈W/L⌉·L/W` for a depthwise node whose output rows are
  /// `rowWidth` (`W`) wide when the profile computes rows in vectors of `L` lanes (the lanes past a row's end are
  /// computed and thrown away: a 3-wide row in 8 lanes costs 8/3 of its FLOPs).
  @inline(__always)
  public func pricedFlops(_ flops: Int, rowWidth: Int, nodeClass: NodeClass) -> Double {
    Self.pricedFlops(flops, rowWidth: rowWidth, nodeClass: nodeClass, lanes: lanes)
  }

  /// ``pricedFlops(_:rowWidth:nodeClass:)`` for `lanes` lanes.
  @inline(__always)
  static func pricedFlops(_ flops: Int, rowWidth: Int, nodeClass: NodeClass, lanes: Int) -> Double {
    guard lanes > 1, nodeClass == .depthwise, rowWidth > 0 else { return Double(flops) }
    return Double(flops) * Double((rowWidth + lanes - 1) / lanes * lanes) / Double(rowWidth)
  }

  /// The time of a node of `nodeClass` with `flops` full FLOPs on output rows `rowWidth` wide, moving `bytes` bytes.
  @inline(__always)
  public func predict(flops: Int, bytes: Int, rowWidth: Int, nodeClass: NodeClass) -> NodePrediction {
    let rate = rates[nodeClass.index]
    let compute = pricedFlops(flops, rowWidth: rowWidth, nodeClass: nodeClass) * rate.perFlop
    let memory = Double(bytes) * rate.perByte
    let roof = overlaps ? max(compute, memory) : compute + memory
    let bound: Bound = rate.overhead > roof ? .overhead : compute >= memory ? .compute : .memory
    return NodePrediction(seconds: roof + rate.overhead, bound: bound)
  }

  /// The time of one copy of `node` whose cost (at this roofline's element type) is `cost`.
  public func predict(_ node: LayerNode, cost: LayerCost) -> NodePrediction {
    guard let nodeClass = NodeClass(node) else { return .none }
    return predict(
      flops: cost[.flops], bytes: cost[.bytesRead] + cost[.bytesWritten], rowWidth: node.outputShape.width,
      nodeClass: nodeClass)
  }

  /// Predicted seconds of a whole network: the sum over its nodes (each copy counted).
  public func predict(_ graph: LayerGraph) throws(ConfigurationError) -> Double {
    var total = 0.0
    for node in graph.nodes {
      let cost = try CostFormulas.cost(of: node, elementType: elementType)
      total += predict(node, cost: cost).seconds * Double(node.repeatCount)
    }
    return total
  }
}

extension NodeClass {
  /// Position in ``allCases``.
  var index: Int {
    switch self {
    case .stem: 0
    case .pointwise: 1
    case .depthwise: 2
    case .se: 3
    case .elementwise: 4
    case .head: 5
    }
  }
}
