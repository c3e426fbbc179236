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

    func run() throws {
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
