import CostModel
import ReferenceExecutor
import X3DModel

/// Whether an execution agrees with the cost model: every node's path, output shape and counts, then the network
/// totals and the inference peak. The executor counts inside its kernels and never calls the formulas, so each
/// agreement is evidence for both.
///
/// Compared per node: the ``CostField``s in ``comparedFields``, each against the tally's own count, and, where the
/// kernels counted every element they read (the reference backend), the memory traffic in ``trafficFields``; in
/// total: the same fields summed, and ``CostField/inferencePeakBytes`` against the executor's peak of live bytes.
/// Memory traffic is compared at float32, the executor's element type.
public struct Agreement: Sendable {
  /// One count, as the executor observed it and as the cost model expects it.
  public struct Count: Sendable, Equatable {
    public var field: CostField
    public var observed: Int
    public var expected: Int
    public var agrees: Bool { observed == expected }
  }

  /// One node of the comparison.
  public struct Node: Sendable {
    public var observedPath: String
    public var expectedPath: String
    public var kind: String
    public var observedShape: TensorShape
    public var expectedShape: TensorShape
    public var counts: [Count]

    public var agrees: Bool {
      observedPath == expectedPath && observedShape == expectedShape && counts.allSatisfy(\.agrees)
    }
  }

  /// The per-node fields the executor's tally counts, and where the tally keeps each.
  public static let comparedFields: [(field: CostField, tally: KeyPath<NodeTally, Int> & Sendable)] = [
    (.macs, \.macs), (.params, \.parameterCount), (.outputElements, \.outputElements),
    (.activations, \.activationCount),
  ]

  /// The memory traffic the reference kernels count, compared when the tally says so
  /// (``ExecutionTally/countsActivationReads``).
  public static let trafficFields: [(field: CostField, tally: KeyPath<NodeTally, Int> & Sendable)] = [
    (.bytesRead, \.bytesRead), (.bytesWritten, \.bytesWritten),
  ]

  /// The per-node fields compared, in column order.
  public let fields: [CostField]
  public private(set) var nodes: [Node] = []
  /// The node counts of the tally and the report.
  public let observedNodeCount: Int
  public let expectedNodeCount: Int
  /// Whole-network counts: the compared fields summed over the tally's nodes, and the inference peak.
  public private(set) var totals: [Count] = []

  /// Compares `tally` with `report`, which must be a per-layer report (one row per node).
  public init(report: CostReport, tally: ExecutionTally) {
    self.init(rows: report.layers, totals: report.totals, tally: tally)
  }

  /// Compares `tally` with per-layer `rows` and network `totals`.
  public init(rows: [LayerRow], totals expected: CostTotals, tally: ExecutionTally) {
    observedNodeCount = tally.nodes.count
    expectedNodeCount = rows.count
    let compared = Self.comparedFields + (tally.countsActivationReads ? Self.trafficFields : [])
    fields = compared.map(\.field)
    for (row, node) in zip(rows, tally.nodes) {
      nodes.append(
        Node(
          observedPath: node.path.description, expectedPath: row.name, kind: row.kind,
          observedShape: node.outputShape, expectedShape: row.node.outputShape,
          counts: compared.map {
            Count(field: $0.field, observed: node[keyPath: $0.tally], expected: row.cost[$0.field])
          }))
    }
    for (field, keyPath) in compared where field.isNetworkTotal {
      totals.append(
        Count(field: field, observed: tally.nodes.reduce(0) { $0 + $1[keyPath: keyPath] }, expected: expected[field]))
    }
    totals.append(
      Count(field: .inferencePeakBytes, observed: tally.peakLiveBytes, expected: expected[.inferencePeakBytes]))
  }

  /// How many things differ: the node count, each node that differs, each total that differs.
  public var differences: Int {
    (observedNodeCount == expectedNodeCount ? 0 : 1) + nodes.filter { !$0.agrees }.count
      + totals.filter { !$0.agrees }.count
  }

  public var agrees: Bool { differences == 0 }
}
