import CostModel
import Foundation
import SweepStore
import X3DModel

/// Renders a ``CostReport`` for the terminal (table, Markdown, CSV) or as the JSON contract.
struct CostView {
  let report: CostReport
  let preset: Preset?
  let convention: Convention
  let perLayer: Bool
  let perStage: Bool
  /// Multi-view testing: costs per video are the costs per view × views.
  var views: TestViews? = nil

  func render(_ format: OutputFormat) throws -> String {
    switch format {
    case .json: return try CostJSON(self).encoded()
    case .csv: return try CostCSV(json: CostJSON(self)).render(perLayer: perLayer, perStage: perStage)
    case .table, .markdown: return text(format)
    }
  }

  // MARK: Text

  private func text(_ format: OutputFormat) -> String {
    var out = summary()
    out += "\n" + architectureTable().render(format)
    out += "\n" + totalsTable().render(format)
    if let views { out += "\n" + viewsTable(views).render(format) }
    if perStage { out += "\n" + stageTable().render(format) }
    if perLayer { out += "\n" + layerTable().render(format) }
    return out
  }

  private func summary() -> String {
    let c = report.configuration
    let g = c.gammas
    let matching = Preset.matching(c)
    var name = matching.map { $0 == .x2d ? "X2D" : "X3D-\($0.rawValue.uppercased())" } ?? "X3D"
    if let preset, preset != matching { name += " (from preset \(preset.rawValue))" }
    var lines: [String] = []
    var clip = "\(c.frames)×\(c.evaluatedCrop)²"
    if let test = c.testCrop { clip += " (test crop \(test); train crop \(c.crop) sizes the head pool)" }
    lines.append("\(name) · impl \(c.implementation.rawValue) · batch \(c.batch) · \(report.elementType.rawValue)")
    lines.append("input T×S² = \(clip), sampling rate \(Quantity.factor(c.samplingRate))")
    lines.append(
      "expansion γτ \(Quantity.factor(g.gammaTau)) γt \(Quantity.factor(g.gammaT)) γs \(Quantity.factor(g.gammaS)) "
        + "γw \(Quantity.factor(g.gammaW)) γb \(Quantity.factor(g.gammaB)) γd \(Quantity.factor(g.gammaD))")
    lines.append(
      "width factor \(Quantity.factor(c.widthFactor)), depth factor \(Quantity.factor(c.depthFactor)), "
        + "bottleneck factor \(Quantity.factor(c.bottleneckFactor)), classes \(c.classes)")
    return lines.joined(separator: "\n") + "\n"
  }

  private func architectureTable() -> TextTable {
    let a = report.architecture
    var table = TextTable([
      ("stage", .left), ("width", .right), ("inner", .right), ("blocks", .right), ("SE width", .right),
    ])
    table.append(["stem", String(a.stemWidth), "–", "–", "–"])
    for stage in a.stages {
      table.append([
        stage.id.name, String(stage.width), String(stage.innerWidth), String(stage.blocks),
        String(stage.squeezeWidth),
      ])
    }
    table.append(["head", "\(a.headInnerWidth)→\(a.headOutWidth)→\(a.classes)", "–", "pool \(a.poolKernel)", "–"])
    return table
  }

  private func totalsTable() -> TextTable {
    let t = report.totals
    let dtype = report.elementType.rawValue
    let batch = report.configuration.batch
    var table = TextTable([("quantity", .left), ("exact", .right), ("scaled", .right)])
    var rows: [(Convention?, String, String, String)] = [
      (.paper, Convention.paper.label, Quantity.grouped(t.macs), Quantity.decimal(t.macs)),
      (nil, "  conv multiply-adds", Quantity.grouped(t.convMacs), Quantity.decimal(t.convMacs)),
      (nil, "  linear multiply-adds", Quantity.grouped(t.linearMacs), Quantity.decimal(t.linearMacs)),
      (.fvcore, Convention.fvcore.label, Quantity.grouped(t.fvcoreFlops), Quantity.decimal(t.fvcoreFlops)),
      (.flops, Convention.flops.label, Quantity.grouped(t.flops), Quantity.decimal(t.flops)),
      (nil, "parameters (with BN γ, β; model zoos)", Quantity.grouped(t.params), Quantity.decimal(t.params)),
      (nil, "parameters without BN (paper)", Quantity.grouped(t.paramsNoBN), Quantity.decimal(t.paramsNoBN)),
      (nil, "BN elements", Quantity.grouped(t.bnElements), Quantity.decimal(t.bnElements)),
      (nil, "activations (fvcore: conv + linear outputs)", Quantity.grouped(t.activations), Quantity.decimal(t.activations)),
      (
        nil, "inference peak memory (\(dtype), batch \(batch)), bytes", Quantity.grouped(t.inferencePeakBytes),
        Quantity.bytes(t.inferencePeakBytes)
      ),
      (
        nil, "training activation memory (\(dtype), batch \(batch)), bytes",
        Quantity.grouped(t.trainingActivationBytes), Quantity.bytes(t.trainingActivationBytes)
      ),
    ]
    if let headline = rows.firstIndex(where: { $0.0 == convention }) {
      var row = rows.remove(at: headline)
      row.1 = "* " + row.1
      rows.insert(row, at: 0)
    }
    for row in rows { table.append([row.1, row.2, row.3]) }
    return table
  }

  /// Per view and per video (`4.73 G × 30 = 142 G`) for the multiply-add and FLOP conventions.
  private func viewsTable(_ views: TestViews) -> TextTable {
    let t = report.totals
    var table = TextTable([
      ("\(views.description) = \(views.count) views", .left), ("per view", .right), ("× views", .right),
      ("per video", .right),
    ])
    for (name, value) in [
      (Convention.paper.label, t.macs), (Convention.fvcore.label, t.fvcoreFlops), (Convention.flops.label, t.flops),
    ] {
      let total = value.multipliedReportingOverflow(by: views.count)
      table.append([
        name, Quantity.decimal(value), "× \(views.count)",
        total.overflow ? "overflow" : Quantity.decimal(total.partialValue),
      ])
    }
    return table
  }

  private func stageTable() -> TextTable {
    let total = max(report.totals.macs, 1)
    var table = TextTable([
      ("stage", .left), ("MACs", .right), ("share", .right), ("params", .right), ("activations", .right),
      ("output elements", .right),
    ])
    for stage in report.stages {
      table.append([
        stage.stage.name, Quantity.grouped(stage.macs), Self.share(stage.macs, total), Quantity.grouped(stage.params),
        Quantity.grouped(stage.activations), Quantity.grouped(stage.outputElements),
      ])
    }
    return table
  }

  private func layerTable() -> TextTable {
    let total = max(report.totals.macs, 1)
    var table = TextTable([
      ("name", .left), ("kind", .left), ("input", .left), ("output", .left), ("kernel/stride/groups", .left),
      ("MACs", .right), ("params", .right), ("output elements", .right), ("share", .right),
    ])
    for row in report.layers {
      table.append([
        row.name, row.kind, row.node.inputShape.description, row.node.outputShape.description, row.geometry,
        String(row.cost.macs), String(row.cost.parameterCount), String(row.cost.outputElements),
        Self.share(row.cost.macs, total),
      ])
    }
    return table
  }

  static func share(_ part: Int, _ total: Int) -> String {
    Quantity.fixed(100 * Double(part) / Double(total), decimals: 2) + "%"
  }
}
