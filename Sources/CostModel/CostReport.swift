import X3DModel

/// Everything the cost model says about one configuration: the resolved architecture, the totals and, on request,
/// one row per node.
public struct CostReport: Sendable {
  public let configuration: ModelConfiguration
  public let architecture: X3DArchitecture
  public let elementType: ElementType
  public let totals: CostTotals
  /// One row per node of the full graph in execution order (input first); empty unless asked for.
  public let layers: [LayerRow]

  /// Analyses `configuration`. With `perLayer` the full graph is built and every node kept; otherwise identical
  /// blocks are priced once and multiplied (same totals, far less work).
  public init(
    _ configuration: ModelConfiguration, elementType: ElementType = .f32, perLayer: Bool = false
  )
    throws(ConfigurationError)
  {
    let builder = try X3DBuilder(configuration)
    var accumulator = CostAccumulator(elementType: elementType, implementation: configuration.implementation)
    var totals = CostTotals()
    if perLayer {
      // The rows are written straight into the report's array storage, sized for the largest graph.
      var failure: ConfigurationError? = nil
      self.layers = [LayerRow](unsafeUninitializedCapacity: Schedule.maximumNodeCount(builder.architecture)) {
        buffer, count in
        var sink = FullGraphSink(
          accumulator: accumulator, stageBlocks: builder.architecture.stages.map(\.blocks), rows: buffer)
        do throws(ConfigurationError) {
          try builder.emit(into: &sink, granularity: .everyBlock)
        } catch {
          failure = error
        }
        count = sink.count
        totals = sink.accumulator.totals
      }
      if let failure { throw failure }
    } else {
      try builder.emit(into: &accumulator, granularity: .distinctBlocks)
      totals = accumulator.totals
      self.layers = []
    }
    self.configuration = configuration
    self.architecture = builder.architecture
    self.elementType = elementType
    self.totals = totals
  }

  /// Totals alone: the fast path for sweeps (no rows, identical blocks priced once).
  public static func totals(_ configuration: ModelConfiguration, elementType: ElementType = .f32)
    throws(ConfigurationError) -> CostTotals
  {
    let builder = try X3DBuilder(configuration)
    var accumulator = CostAccumulator(
      elementType: elementType, implementation: configuration.implementation)
    try builder.emit(into: &accumulator, granularity: .distinctBlocks)
    return accumulator.totals
  }

  /// Per-stage sums (requires a per-layer report).
  public var stages: [StageCost] { StageCost.aggregate(layers) }
}
