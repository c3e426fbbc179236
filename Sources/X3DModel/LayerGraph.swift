/// The X3D network as data: every node in execution order, with shapes. Built once from a configuration; the cost
/// model, the executor, the store and the search all read it.
public struct LayerGraph: Sendable, LayerSink {
  public let configuration: ModelConfiguration
  public let architecture: X3DArchitecture
  public let granularity: Granularity
  public private(set) var nodes: [LayerNode] = []

  /// Builds the graph of `configuration`.
  public init(_ configuration: ModelConfiguration, granularity: Granularity = .everyBlock)
    throws(ConfigurationError)
  {
    let builder = try X3DBuilder(configuration)
    self.configuration = configuration
    self.architecture = builder.architecture
    self.granularity = granularity
    try builder.emit(into: &self, granularity: granularity)
  }

  public mutating func receive(_ node: LayerNode) throws(ConfigurationError) {
    nodes.append(node)
  }

  /// The input clip node.
  public var input: LayerNode { nodes[0] }
  /// The network's output node.
  public var output: LayerNode { nodes[nodes.count - 1] }
}
