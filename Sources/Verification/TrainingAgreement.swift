import CostModel
import ReferenceExecutor
import X3DModel

/// The agreement of a training step's tally with the training formulas, node by node. Each node's five counts are
/// compared exactly.
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

  public init(graph: LayerGraph, expected: [TrainingCost], tally: TrainingTally) {
    if expected.count != tally.nodes.count || graph.nodes.count != tally.nodes.count {
      differences.append(
        Difference(node: "(graph)", quantity: "nodes", executor: tally.nodes.count, formula: expected.count))
    }
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
      rows.append(Row(path: path, kind: node.kind.name, executor: observed.counter, formula: formula))
      executorTotal = executorTotal + observed.counter
      formulaTotal.forwardMACs += formula.forwardMACs
      formulaTotal.inputGradientMACs += formula.inputGradientMACs
      formulaTotal.weightGradientMACs += formula.weightGradientMACs
      formulaTotal.forwardElementwiseFlops += formula.forwardElementwiseFlops
      formulaTotal.backwardElementwiseFlops += formula.backwardElementwiseFlops
    }
  }
}
