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
  /// Bytes and predicted times from `--hardware`.
  var latency: LatencyColumns? = nil
  /// Multi-view testing: costs per video are the costs per view × views.
  var views: TestViews? = nil
  /// `--optimizer`, `--amp`, `--checkpoint`: the memory of one training step.
  var trainingStep: TrainingStepMemory? = nil

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
    if let trainingStep { out += "\n" + trainingStepTable(trainingStep).render(format) }
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
    var rows: [(field: CostField, label: String)] = CostField.networkTotals.map { field in
      switch field.unit {
      case .bytes: (field, "\(field.label) (\(dtype), batch \(batch)), bytes")
      default: (field, (field.partOf == nil ? "" : "  ") + field.label)
      }
    }
    if let headline = rows.firstIndex(where: { $0.field == convention.field }) {
      var row = rows.remove(at: headline)
      row.label = "* " + row.label
      rows.insert(row, at: 0)
    }
    for (field, label) in rows {
      let value = t[field]
      table.append([
        label, Quantity.grouped(value), field.unit == .bytes ? Quantity.bytes(value) : Quantity.decimal(value),
      ])
    }
    for row in latency?.totalRows ?? [] { table.append(row) }
    return table
  }

  /// The parts of one training step's memory (docs/training.md).
  private func trainingStepTable(_ m: TrainingStepMemory) -> TextTable {
    var table = TextTable([
      (
        "training step, batch \(report.configuration.batch), \(m.optimizer.rawValue), amp \(m.precision.rawValue), "
          + "checkpoint \(m.checkpointing.rawValue)", .left
      ), ("bytes", .right), ("", .right),
    ])
    let rows: [(String, Int)] = [
      ("parameters", m.parameterBytes), ("master weights", m.masterWeightBytes),
      ("optimizer state", m.optimizerStateBytes), ("parameter gradients", m.gradientBytes),
      ("saved activations", m.savedActivationBytes), ("* peak (\(m.peakAt))", m.peakBytes),
      ("  gradients at the peak", m.peakGradientBytes), ("  saved at the peak", m.peakSavedBytes),
      ("  activation gradients and transients at the peak", m.peakTransientBytes),
    ]
    for (label, bytes) in rows { table.append([label, Quantity.grouped(bytes), Quantity.bytes(bytes)]) }
    if m.checkpointing != .none {
      table.append(["recomputed multiply-adds", Quantity.grouped(m.recomputedMACs), Quantity.decimal(m.recomputedMACs)])
    }
    return table
  }

  /// Per view and per video (`4.73 G × 30 = 142 G`) for the multiply-add and FLOP conventions.
  private func viewsTable(_ views: TestViews) -> TextTable {
    let t = report.totals
    var table = TextTable([
      ("\(views.description) = \(views.count) views", .left), ("per view", .right), ("× views", .right),
      ("per video", .right),
    ])
    for convention in Convention.allCases {
      let (name, value) = (convention.label, t[convention.field])
      let total = value.multipliedReportingOverflow(by: views.count)
      table.append([
        name, Quantity.decimal(value), "× \(views.count)",
        total.overflow ? "overflow" : Quantity.decimal(total.partialValue),
      ])
    }
    return table
  }

  private func stageTable() -> TextTable {
    let total = max(report.totals[.macs], 1)
    var table = TextTable([
      ("stage", .left), ("MACs", .right), ("share", .right), ("params", .right), ("activations", .right),
      ("output elements", .right),
    ])
    for stage in report.stages {
      table.append([
        stage.stage.name, Quantity.grouped(stage[.macs]), Self.share(stage[.macs], total),
        Quantity.grouped(stage[.params]), Quantity.grouped(stage[.activations]),
        Quantity.grouped(stage[.outputElements]),
      ])
    }
    return table
  }

  private func layerTable() -> TextTable {
    let total = max(report.totals[.macs], 1)
    var table = TextTable(
      [
        ("name", .left), ("kind", .left), ("input", .left), ("output", .left), ("kernel/stride/groups", .left),
        ("MACs", .right), ("params", .right), ("output elements", .right), ("share", .right),
      ] + (latency == nil ? [] : LatencyColumns.layerHeaders))
    for (index, row) in report.layers.enumerated() {
      table.append(
        [
          row.name, row.kind, row.node.inputShape.description, row.node.outputShape.description, row.geometry,
          String(row.cost[.macs]), String(row.cost[.params]), String(row.cost[.outputElements]),
          Self.share(row.cost[.macs], total),
        ] + (latency?.layerCells(index, cost: row.cost) ?? []))
    }
    return table
  }

  static func share(_ part: Int, _ total: Int) -> String {
    Quantity.fixed(100 * Double(part) / Double(total), decimals: 2) + "%"
  }
}
