import ArgumentParser
import CostModel
import Foundation
import ReferenceExecutor
import X3DModel

extension X3DCost {
  /// `x3d-cost verify`: runs the network and holds the kernels' own counts to the cost model, node by node.
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run the model and compare what the kernels did with the cost model, node by node.",
      discussion: """
        Compares, for every node: the output shape, multiply-adds (padding taps included), parameters read, \
        output elements written and fvcore activations; then the inference peak of live bytes (float32). Exits \
        non-zero on any difference. Use small models: the reference backend runs plain loops.
        """)

    @OptionGroup var model: ModelOptions

    @Option(help: "reference (plain loops, the default) or fast.")
    var backend: BackendKind = .reference

    @Option(help: "Threads for the fast backend.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "A .safetensors state dict; default: seeded weights.")
    var weights: String?

    @Option(help: "Seed of the weights and the random clip.")
    var seed: UInt64 = 0

    @Flag(help: "Print only the nodes that differ, and the summary.")
    var quiet = false

    @Flag(
      help: """
        Run one training step instead (reference backend: training-mode forward, loss, backward) and compare its \
        forward, input-gradient and weight-gradient multiply-adds and elementwise FLOPs with the training \
        formulas, node by node.
        """)
    var training = false

    func run() throws {
      if training { return try runTraining() }
      let configuration = try model.resolve()
      let graph = try LayerGraph(configuration)
      let report = try CostReport(configuration, elementType: .f32, perLayer: true)
      let executor = Executor(
        graph: graph, weights: try ExecutorSetup.weights(graph, file: weights, seed: seed),
        backend: backend.make(threads: threads))
      let execution = try executor.run(try ExecutorSetup.clip(graph, file: nil, seed: seed))
      let comparison = VerifyComparison(
        rows: report.layers, tally: execution.tally, totals: report.totals)
      print(
        ExecutorSetup.summary(
          configuration, weights: executor.weights, backend: backend, threads: threads))
      print(comparison.render(quiet: quiet), terminator: "")
      if comparison.differences > 0 {
        throw UsageError(
          "verify: \(comparison.differences) differences between the executor and the cost model")
      }
    }
  }
}

extension X3DCost.Verify {
  /// `verify --training`: labels `n mod K` for sample `n`.
  func runTraining() throws {
    guard backend == .reference else {
      throw UsageError("verify --training runs the reference backend only, not --backend \(backend.rawValue)")
    }
    let configuration = try model.resolve()
    let graph = try LayerGraph(configuration)
    let weights = try ExecutorSetup.weights(graph, file: self.weights, seed: seed)
    let clip = try ExecutorSetup.clip(graph, file: nil, seed: seed)
    let labels = (0..<configuration.batch).map { $0 % configuration.classes }
    let step = try TrainingStep(graph: graph, weights: weights).run(clip, labels: labels)
    let agreement = TrainingAgreement(graph: graph, expected: try TrainingTotals.rows(graph), tally: step.tally)
    print(ExecutorSetup.summary(configuration, weights: weights, backend: .reference, threads: 1))
    print("training step: loss \(step.loss) on labels n mod \(configuration.classes)")
    print(TrainingAgreementView(agreement).render(quiet: quiet), terminator: "")
    if !agreement.differences.isEmpty {
      throw UsageError(
        "verify: \(agreement.differences.count) differences between the training step and the formulas")
    }
  }
}

/// The agreement of a training step's tally with the training formulas, node by node: no formatting, so that it
/// can move to a Verification library. Each node's five counts are compared exactly.
struct TrainingAgreement {
  /// One count of one node that differs.
  struct Difference: Equatable {
    var node: String
    var quantity: String
    var executor: Int
    var formula: Int
  }

  /// One node: its path, kind, and the executor's and the formulas' counts.
  struct Row {
    var path: String
    var kind: String
    var executor: TrainingCounter
    var formula: TrainingCost
  }

  nonisolated(unsafe) static let quantities:
    [(name: String, executor: KeyPath<TrainingCounter, Int>, formula: KeyPath<TrainingCost, Int>)] = [
      ("forward MACs", \.forwardMACs, \.forwardMACs),
      ("input-gradient MACs", \.inputGradientMACs, \.inputGradientMACs),
      ("weight-gradient MACs", \.weightGradientMACs, \.weightGradientMACs),
      ("forward elementwise FLOPs", \.forwardFlops, \.forwardElementwiseFlops),
      ("backward elementwise FLOPs", \.backwardFlops, \.backwardElementwiseFlops),
    ]

  private(set) var rows: [Row] = []
  private(set) var differences: [Difference] = []
  private(set) var executorTotal = TrainingCounter()
  private(set) var formulaTotal = TrainingCost()

  init(graph: LayerGraph, expected: [TrainingCost], tally: TrainingTally) {
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

/// The terminal table of a ``TrainingAgreement``.
struct TrainingAgreementView {
  let agreement: TrainingAgreement
  init(_ agreement: TrainingAgreement) { self.agreement = agreement }

  func render(quiet: Bool) -> String {
    let quantities = TrainingAgreement.quantities
    var table = TextTable(
      [("node", .left), ("kind", .left)] + quantities.map { ($0.name, .right) } + [("check", .left)])
    for row in agreement.rows {
      let pairs = quantities.map { (row.executor[keyPath: $0.executor], row.formula[keyPath: $0.formula]) }
      let differs = pairs.contains { $0.0 != $0.1 }
      if !quiet || differs {
        table.append([row.path, row.kind] + pairs.map(Self.cell) + [differs ? "DIFFERS" : "ok"])
      }
    }
    var totals = TextTable([("total", .left), ("executor", .right), ("formulas", .right), ("check", .left)])
    for quantity in quantities {
      let observed = agreement.executorTotal[keyPath: quantity.executor]
      let expected = agreement.formulaTotal[keyPath: quantity.formula]
      totals.append([
        quantity.name, Quantity.grouped(observed), Quantity.grouped(expected),
        observed == expected ? "ok" : "DIFFERS",
      ])
    }
    let verdict =
      agreement.differences.isEmpty
      ? "verify --training: all \(agreement.rows.count) nodes agree with the training formulas\n"
      : "verify --training: \(agreement.differences.count) differences (cells show executor ≠ formulas)\n"
    let showTable = !quiet || !agreement.differences.isEmpty
    return (showTable ? table.aligned() + "\n" : "") + totals.aligned() + verdict
  }

  static func cell(_ pair: (Int, Int)) -> String {
    pair.0 == pair.1 ? Quantity.grouped(pair.0) : "\(Quantity.grouped(pair.0)) ≠ \(Quantity.grouped(pair.1))"
  }
}

/// The node-by-node comparison of an execution tally with a per-layer cost report.
struct VerifyComparison {
  struct Line {
    var cells: [String]
    var differs: Bool
  }

  private(set) var lines: [Line] = []
  private(set) var differences = 0
  private(set) var summary: [[String]] = []

  init(rows: [LayerRow], tally: ExecutionTally, totals: CostTotals) {
    if rows.count != tally.nodes.count {
      differences += 1
      summary.append(["nodes", String(tally.nodes.count), String(rows.count), "DIFFERS"])
    }
    for (row, node) in zip(rows, tally.nodes) {
      var differs = false
      func cell(_ observed: Int, _ expected: Int) -> String {
        if observed == expected { return Quantity.grouped(observed) }
        differs = true
        return "\(Quantity.grouped(observed)) ≠ \(Quantity.grouped(expected))"
      }
      let pathCell = row.name == node.path.description ? row.name : "\(node.path) ≠ \(row.name)"
      if row.name != node.path.description { differs = true }
      var shapeCell = node.outputShape.description
      if node.outputShape != row.node.outputShape {
        differs = true
        shapeCell += " ≠ \(row.node.outputShape)"
      }
      let cells = [
        pathCell, row.kind, shapeCell, cell(node.macs, row.cost.macs),
        cell(node.parameterCount, row.cost.parameterCount),
        cell(node.outputElements, row.cost.outputElements),
        cell(node.activationCount, row.cost.fvcoreActivationCount),
      ]
      if differs { differences += 1 }
      lines.append(Line(cells: cells + [differs ? "DIFFERS" : "ok"], differs: differs))
    }
    func total(_ name: String, _ observed: Int, _ expected: Int) {
      if observed != expected { differences += 1 }
      summary.append([
        name, Quantity.grouped(observed), Quantity.grouped(expected),
        observed == expected ? "ok" : "DIFFERS",
      ])
    }
    total("multiply-adds", tally.macs, totals.macs)
    total("parameters", tally.parameterCount, totals.params)
    total("activations (fvcore)", tally.activationCount, totals.activations)
    total("inference peak bytes (f32)", tally.peakLiveBytes, totals.inferencePeakBytes)
  }

  func render(quiet: Bool) -> String {
    var table = TextTable([
      ("node", .left), ("kind", .left), ("output shape", .left), ("multiply-adds", .right),
      ("params", .right),
      ("outputs", .right), ("activations", .right), ("check", .left),
    ])
    for line in lines where !quiet || line.differs { table.append(line.cells) }
    var totals = TextTable([
      ("total", .left), ("executor", .right), ("cost model", .right), ("check", .left),
    ])
    for row in summary { totals.append(row) }
    let nodes = lines.count
    let verdict =
      differences == 0
      ? "verify: all \(nodes) nodes and the inference peak agree with the cost model\n"
      : "verify: \(differences) differences (cells show executor ≠ cost model)\n"
    return (quiet && lines.allSatisfy { !$0.differs } ? "" : table.aligned() + "\n")
      + totals.aligned() + verdict
  }
}
