import ArgumentParser
import CostModel
import Foundation
import ReferenceExecutor
import Verification
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
      let agreement = Agreement(report: report, tally: execution.tally)
      print(
        ExecutorSetup.summary(
          configuration, weights: executor.weights, backend: backend, threads: threads))
      print(AgreementView(agreement).render(quiet: quiet), terminator: "")
      if !agreement.agrees {
        throw UsageError(
          "verify: \(agreement.differences) differences between the executor and the cost model")
      }
    }
  }
}

/// An ``Agreement`` as tables: every node (or, quiet, only those that differ), then the totals and a verdict.
/// A cell that differs shows `executor ≠ cost model`.
struct AgreementView {
  let agreement: Agreement
  init(_ agreement: Agreement) { self.agreement = agreement }

  func render(quiet: Bool) -> String {
    var table = TextTable(
      [("node", .left), ("kind", .left), ("output shape", .left)]
        + Agreement.comparedFields.map { ($0.field.shortLabel, .right) } + [("check", .left)])
    for node in agreement.nodes where !quiet || !node.agrees {
      let path =
        node.observedPath == node.expectedPath ? node.expectedPath : "\(node.observedPath) ≠ \(node.expectedPath)"
      let shape =
        node.observedShape == node.expectedShape
        ? node.observedShape.description : "\(node.observedShape) ≠ \(node.expectedShape)"
      table.append([path, node.kind, shape] + node.counts.map(Self.cell) + [node.agrees ? "ok" : "DIFFERS"])
    }
    var totals = TextTable([("total", .left), ("executor", .right), ("cost model", .right), ("check", .left)])
    if agreement.observedNodeCount != agreement.expectedNodeCount {
      totals.append(["nodes", String(agreement.observedNodeCount), String(agreement.expectedNodeCount), "DIFFERS"])
    }
    for count in agreement.totals {
      let label = count.field.shortLabel + (count.field.unit == .bytes ? " (f32)" : "")
      totals.append([
        label, Quantity.grouped(count.observed), Quantity.grouped(count.expected), count.agrees ? "ok" : "DIFFERS",
      ])
    }
    let verdict =
      agreement.agrees
      ? "verify: all \(agreement.nodes.count) nodes and the inference peak agree with the cost model\n"
      : "verify: \(agreement.differences) differences (cells show executor ≠ cost model)\n"
    return (quiet && agreement.nodes.allSatisfy(\.agrees) ? "" : table.aligned() + "\n") + totals.aligned() + verdict
  }

  private static func cell(_ count: Agreement.Count) -> String {
    count.agrees
      ? Quantity.grouped(count.observed) : "\(Quantity.grouped(count.observed)) ≠ \(Quantity.grouped(count.expected))"
  }
}
