import CostModel
import ReferenceExecutor
import X3DModel

/// The agreement of a training step's tally with the training formulas, node by node. Each node's five counts are
/// compared exactly, and, when given, its `training_flops` cost field (``CostField/trainingFlops``, the row of
/// ``CostReport``'s per-layer analysis) with the tally's `2·MACs + elementwise` FLOPs.
public struct TrainingAgreement: Sendable {
  /// One count of one node that differs.
  public struct Difference: Equatable, Sendable {
    public var node: String
    public var quantity: String
    public var executor: Int
    public var formula: Int
  }

  /// One node: its path, kind, and the executor's and the formulas' counts.
  public struct Row: Sendable {
    public var path: String
    public var kind: String
    public var executor: TrainingCounter
    public var formula: TrainingCost
    /// The node's `training_flops` cost field, when given.
    public var trainingFlops: Int?
  }

  nonisolated(unsafe) public static let quantities:
    [(name: String, executor: KeyPath<TrainingCounter, Int>, formula: KeyPath<TrainingCost, Int>)] = [
      ("forward MACs", \.forwardMACs, \.forwardMACs),
      ("input-gradient MACs", \.inputGradientMACs, \.inputGradientMACs),
      ("weight-gradient MACs", \.weightGradientMACs, \.weightGradientMACs),
      ("forward elementwise FLOPs", \.forwardFlops, \.forwardElementwiseFlops),
      ("backward elementwise FLOPs", \.backwardFlops, \.backwardElementwiseFlops),
    ]

  public private(set) var rows: [Row] = []
  public private(set) var differences: [Difference] = []
  public private(set) var executorTotal = TrainingCounter()
  public private(set) var formulaTotal = TrainingCost()
  /// The `training_flops` cost field summed over the nodes, when given.
  public private(set) var trainingFlopsTotal: Int? = nil

  /// The name of the `training_flops` comparison in ``differences``.
  public static let costFieldQuantity = "training_flops (cost field)"

  /// - Parameters:
  ///   - expected: ``TrainingTotals/rows(_:)`` of `graph`.
  ///   - trainingFlops: the `training_flops` cost field of each node of `graph`, or nil to skip that comparison.
  public init(graph: LayerGraph, expected: [TrainingCost], tally: TrainingTally, trainingFlops: [Int]? = nil) {
    if expected.count != tally.nodes.count || graph.nodes.count != tally.nodes.count {
      differences.append(
        Difference(node: "(graph)", quantity: "nodes", executor: tally.nodes.count, formula: expected.count))
    }
    if let trainingFlops, trainingFlops.count != tally.nodes.count {
      differences.append(
        Difference(
          node: "(graph)", quantity: "\(Self.costFieldQuantity) rows", executor: tally.nodes.count,
          formula: trainingFlops.count))
    }
    trainingFlopsTotal = trainingFlops.map { $0.reduce(0, +) }
    for ((node, formula), observed) in zip(zip(graph.nodes, expected), tally.nodes) {
      let path = node.path.description
      if observed.path != node.path {
        differences.append(Difference(node: path, quantity: "path \(observed.path)", executor: 0, formula: 0))
      }
      for quantity in Self.quantities
      where observed.counter[keyPath: quantity.executor] != formula[keyPath: quantity.formula] {
        differences.append(
          Difference(
            node: path, quantity: quantity.name, executor: observed.counter[keyPath: quantity.executor],
            formula: formula[keyPath: quantity.formula]))
      }
      let field = trainingFlops.flatMap { node.index < $0.count ? $0[node.index] : nil }
      if let field, field != observed.counter.flops {
        differences.append(
          Difference(
            node: path, quantity: Self.costFieldQuantity, executor: observed.counter.flops, formula: field))
      }
      rows.append(
        Row(path: path, kind: node.kind.name, executor: observed.counter, formula: formula, trainingFlops: field))
      executorTotal = executorTotal + observed.counter
      formulaTotal.forwardMACs += formula.forwardMACs
      formulaTotal.inputGradientMACs += formula.inputGradientMACs
      formulaTotal.weightGradientMACs += formula.weightGradientMACs
      formulaTotal.forwardElementwiseFlops += formula.forwardElementwiseFlops
      formulaTotal.backwardElementwiseFlops += formula.backwardElementwiseFlops
    }
  }
}
