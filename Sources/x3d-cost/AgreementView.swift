import CostModel
import Verification

/// The terminal table of a ``TrainingAgreement``.
struct TrainingAgreementView {
  let agreement: TrainingAgreement
  init(_ agreement: TrainingAgreement) { self.agreement = agreement }

  func render(quiet: Bool) -> String {
    let quantities = TrainingAgreement.quantities
    let field = agreement.trainingFlopsTotal != nil
    var table = TextTable(
      [("node", .left), ("kind", .left)] + quantities.map { ($0.name, .right) }
        + (field ? [("training_flops", .right)] : []) + [("check", .left)])
    for row in agreement.rows {
      var pairs = quantities.map { (row.executor[keyPath: $0.executor], row.formula[keyPath: $0.formula]) }
      if let flops = row.trainingFlops { pairs.append((row.executor.flops, flops)) }
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
    if let expected = agreement.trainingFlopsTotal {
      let observed = agreement.executorTotal.flops
      totals.append([
        "training_flops (cost field)", Quantity.grouped(observed), Quantity.grouped(expected),
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

  /// `observed`, or `observed ≠ expected` where they differ: the cell of both agreement tables.
  static func cell(_ pair: (observed: Int, expected: Int)) -> String {
    pair.observed == pair.expected
      ? Quantity.grouped(pair.observed) : "\(Quantity.grouped(pair.observed)) ≠ \(Quantity.grouped(pair.expected))"
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
        + agreement.fields.map { ($0.shortLabel, .right) } + [("check", .left)])
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
    TrainingAgreementView.cell((count.observed, count.expected))
  }
}
