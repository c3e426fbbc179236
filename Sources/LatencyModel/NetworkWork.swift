import CostModel
import X3DModel

/// What a network asks of the machine, node by node: the inputs of the roofline for every node of the full graph
/// (the input clip left out), plus its multiply-adds for comparison.
public struct NetworkWork: Sendable {
  public struct Node: Sendable {
    public var nodeClass: NodeClass
    /// Full FLOPs (``LayerCost/fullFlops``).
    public var flops: Int
    /// Compulsory bytes read and written at the element type (``CostField/bytesRead`` + ``CostField/bytesWritten``).
    public var bytes: Int
    /// Width of the node's output rows (the `W` of ``Roofline/pricedFlops(_:rowWidth:nodeClass:)``).
    public var rowWidth: Int
  }

  public var nodes: [Node] = []
  /// Conv + linear multiply-adds of the whole network.
  public var macs = 0
  public let elementType: ElementType

  public init(_ configuration: ModelConfiguration, elementType: ElementType = .f32) throws(ConfigurationError) {
    self.elementType = elementType
    let graph = try LayerGraph(configuration)
    nodes.reserveCapacity(graph.nodes.count)
    for node in graph.nodes {
      let cost = try CostFormulas.cost(of: node, elementType: elementType)
      macs += cost[.macs] * node.repeatCount
      guard let nodeClass = NodeClass(node) else { continue }
      for _ in 0..<node.repeatCount {
        nodes.append(
          Node(
            nodeClass: nodeClass, flops: cost[.flops], bytes: cost[.bytesRead] + cost[.bytesWritten],
            rowWidth: node.outputShape.width))
      }
    }
  }

  /// The predicted seconds on `roofline`.
  public func seconds(on roofline: Roofline) -> Double {
    nodes.reduce(0) {
      $0 + roofline.predict(flops: $1.flops, bytes: $1.bytes, rowWidth: $1.rowWidth, nodeClass: $1.nodeClass).seconds
    }
  }

  /// The classes that occur.
  public var classes: Set<NodeClass> { Set(nodes.map(\.nodeClass)) }
}
