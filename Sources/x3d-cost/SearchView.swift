import ExpansionSearch
import Foundation
import X3DModel

/// Prints a search run: every step's candidates with complexity and score, the chosen path, the contraction and
/// the final model as γ flags, SlowFast YAML and pytorchvideo arguments.
struct SearchView {
  let run: SearchRun
  let settings: SearchSettings

  func render(_ format: OutputFormat) throws -> String {
    switch format {
    case .json: return try json()
    case .table, .markdown, .csv: return text(format)
    }
  }

  private func text(_ format: OutputFormat) -> String {
    var table = TextTable([
      ("step", .right), ("phase", .left), ("axis", .left), ("factor", .right), ("T", .right), ("S", .right),
      ("τ", .right), ("w", .right), ("b", .right), ("d", .right), (settings.measure.rawValue, .right),
      ("score", .right), ("", .left),
    ])
    for step in run.steps {
      for (position, candidate) in step.candidates.enumerated() {
        let c = candidate.configuration
        table.append([
          String(step.index), step.phase.rawValue, candidate.axis?.symbol ?? "–", Self.decimal(candidate.factor),
          String(c.frames), String(c.crop), Self.decimal(c.samplingRate), Self.decimal(c.widthFactor),
          Self.decimal(c.bottleneckFactor), Self.decimal(c.depthFactor), Quantity.decimal(candidate.complexity),
          Self.scoreText(step.outcomes[position]), step.chosen == position ? "◀ kept" : "",
        ])
      }
    }
    var out = "search toward \(settings.measure.rawValue) \(Quantity.grouped(settings.target)) "
    out += "(\(Quantity.decimal(settings.target))), step ratio \(Quantity.factor(settings.stepRatio)), "
    out += "selection \(settings.selection.rawValue); \(run.evaluations) criterion evaluation(s) this run\n\n"
    out += table.render(format)
    switch run.status {
    case .pending(let candidates):
      out += "\n\(candidates.count) candidate(s) pending a score.\n"
    case .finished(let final, let score, let within):
      let gap = 100 * Double(final.complexity - settings.target) / Double(settings.target)
      out += "\nfinal: \(settings.measure.rawValue) \(Quantity.grouped(final.complexity)) "
      out += "(\(Quantity.fixed(gap, decimals: 2))% from the target; "
      out += within ? "within" : "outside"
      out += " the \(Quantity.fixed(100 * settings.tolerance, decimals: 2))% tolerance"
      out += score.map { "), score \(Quantity.significant($0))\n" } ?? ")\n"
      let c = final.configuration
      out +=
        "\nγ vector: \(c.gammaFlags)\n\nSlowFast config:\n\(c.slowFastYAML)\npytorchvideo: \(c.pytorchvideoArguments)\n"
    }
    return out
  }

  /// A factor as computed with: its canonical decimal (the text `import` and the γ flags read back).
  static func decimal(_ value: Double) -> String { CanonicalDecimal.text(value) }

  static func scoreText(_ outcome: ScoreOutcome?) -> String {
    switch outcome {
    case nil: "pending"
    case .scored(let value)?: Quantity.significant(value)
    case .failed(let reason, _)?: "failed: \(reason)"
    }
  }

  private func json() throws -> String {
    var object: [String: Any] = [
      "target": settings.target, "measure": settings.measure.rawValue, "evaluations": run.evaluations,
      "status": run.status.name,
      "steps": run.steps.map { step in
        [
          "step": step.index, "phase": step.phase.rawValue, "chosen": step.chosen as Any,
          "candidates": zip(step.candidates, step.outcomes).map { Self.object($0.0, $0.1) },
        ] as [String: Any]
      },
    ]
    switch run.status {
    case .pending(let candidates): object["pending"] = candidates.map { Self.object($0, nil) }
    case .finished(let final, let score, let within):
      var finalObject = Self.object(final, score.map { .scored($0) })
      finalObject["within_tolerance"] = within
      finalObject["gamma_flags"] = final.configuration.gammaFlags
      finalObject["slowfast_yaml"] = final.configuration.slowFastYAML
      finalObject["pytorchvideo"] = final.configuration.pytorchvideoArguments
      object["final"] = finalObject
    }
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  static func object(_ candidate: Candidate, _ outcome: ScoreOutcome?) -> [String: Any] {
    let c = candidate.configuration
    let g = candidate.vector
    var object: [String: Any] = [
      "key": candidate.key, "axis": candidate.axis?.rawValue as Any, "factor": candidate.factor,
      "frames": c.frames, "crop": c.crop, "sampling_rate": c.samplingRate, "width_factor": c.widthFactor,
      "depth_factor": c.depthFactor, "bottleneck_factor": c.bottleneckFactor, "classes": c.classes,
      "gamma_tau": g.gammaTau, "gamma_t": g.gammaT, "gamma_s": g.gammaS, "gamma_w": g.gammaW, "gamma_b": g.gammaB,
      "gamma_d": g.gammaD, "complexity": candidate.complexity, "macs": candidate.totals[.macs],
      "params": candidate.totals[.params], "gamma_flags": c.gammaFlags,
    ]
    switch outcome {
    case nil: object["status"] = "pending"
    case .scored(let value)?:
      object["status"] = "scored"
      object["score"] = value
    case .failed(let reason, let detail)?:
      object["status"] = "failed"
      object["reason"] = reason
      object["stderr"] = detail
    }
    return object
  }

  /// Pending candidates for a job array: JSON array, or CSV with a header.
  static func pending(_ candidates: [Candidate], format: OutputFormat) throws -> String {
    if format == .csv {
      var table = TextTable(
        [
          "key", "axis", "factor", "frames", "crop", "sampling_rate", "width_factor", "depth_factor",
          "bottleneck_factor", "classes", "complexity",
        ].map { ($0, .left) })
      for candidate in candidates {
        let c = candidate.configuration
        table.append([
          candidate.key, candidate.axis?.rawValue ?? "", decimal(candidate.factor), String(c.frames),
          String(c.crop), decimal(c.samplingRate), decimal(c.widthFactor), decimal(c.depthFactor),
          decimal(c.bottleneckFactor), String(c.classes), String(candidate.complexity),
        ])
      }
      return table.render(.csv)
    }
    let data = try JSONSerialization.data(
      withJSONObject: candidates.map { object($0, nil) }, options: [.prettyPrinted, .sortedKeys])
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
