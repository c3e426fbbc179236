import Foundation
import SweepStore
import TestSupport
import Testing

/// `plot`, `pareto`, `export` and `cost --views` on a small sweep with measurements, as a user runs them.
struct PaperOutputCommandTests {
  /// A fresh directory with sweep `grid` (X3D-XS, S, M) and the published accuracies in `results.db`.
  func prepared() throws -> URL {
    let here = FileManager.default.temporaryDirectory.appendingPathComponent("x3d-paper-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: here, withIntermediateDirectories: true)
    let sweep = try CommandRunner.run(["sweep", "--name", "grid", "--preset", "xs,s,m", "--views", "10x3"], in: here)
    #expect(sweep.status == 0, "\(sweep.standardError)")
    let csv = "preset,top1\nxs,69.5\ns,73.5\nm,76.2\n"
    try csv.write(to: here.appendingPathComponent("lab.csv"), atomically: true, encoding: .utf8)
    let imported = try CommandRunner.run(["import", "--sweep", "grid", "lab.csv"], in: here)
    #expect(imported.status == 0, "\(imported.standardError)")
    return here
  }

  @Test func plotWritesPDFAndSVGAndRefusesOtherFormats() throws {
    let here = try prepared()
    defer { try? FileManager.default.removeItem(at: here) }
    let png = try CommandRunner.run(["plot", "--sweep", "grid", "--y", "top1", "--out", "fig.png"], in: here)
    #expect(png.status == 2)
    #expect(png.standardError.contains("fig.png") && png.standardError.contains(".svg, .pdf"), "\(png.standardError)")
    #expect(!FileManager.default.fileExists(atPath: here.appendingPathComponent("fig.png").path))

    let pdf = try CommandRunner.run(
      ["plot", "--sweep", "grid", "--y", "top1", "--width", "3.3in", "--out", "fig.pdf"], in: here)
    #expect(pdf.status == 0, "\(pdf.standardError)")
    #expect(pdf.standardOutput.contains("3 points in 1 series, 3 on the frontier"), "\(pdf.standardOutput)")
    let bytes = try Data(contentsOf: here.appendingPathComponent("fig.pdf"))
    let text = String(decoding: bytes, as: UTF8.self)
    #expect(text.hasPrefix("%PDF-1.4") && text.contains("/MediaBox [0 0 237.6 178]"))
    for label in ["(X3D-XS) Tj", "(X3D-S) Tj", "(X3D-M) Tj", "(multiply-adds \\(G\\)) Tj"] {
      #expect(text.contains(label), "\(label)")
    }

    let width = try CommandRunner.run(
      ["plot", "--sweep", "grid", "--y", "top1", "--width", "wide", "--out", "f.svg"], in: here)
    #expect(width.status == 2 && width.standardError.contains("'wide'"))
    for bad in ["1e308in", "0.5in", "101in", "0pt"] {
      let refused = try CommandRunner.run(
        ["plot", "--sweep", "grid", "--y", "top1", "--width", bad, "--out", "w.pdf"], in: here)
      #expect(refused.status == 2 && refused.standardError.contains("'\(bad)'"), "\(bad): \(refused.standardError)")
      #expect(!FileManager.default.fileExists(atPath: here.appendingPathComponent("w.pdf").path))
    }
  }

  @Test func severalYColumnsAreSeveralSeries() throws {
    let here = try prepared()
    defer { try? FileManager.default.removeItem(at: here) }
    let result = try CommandRunner.run(
      ["plot", "--sweep", "grid", "--y", "params_no_bn", "--y", "params", "--minimize", "--out", "p.svg"], in: here)
    #expect(result.status == 0, "\(result.standardError)")
    let svg = try String(contentsOf: here.appendingPathComponent("p.svg"), encoding: .utf8)
    #expect(svg.contains(">params_no_bn<") && svg.contains(">params<"))
    // Two markers: circles for the first series, squares (polygons) for the second.
    #expect(svg.contains("<polygon"))
  }

  @Test func nonFiniteValuesAreCountedAndLeftOut() throws {
    let here = try prepared()
    defer { try? FileManager.default.removeItem(at: here) }
    // `import` refuses infinity, so a measurement that overflowed elsewhere is written through the library.
    let store = try ResultsStore(path: here.appendingPathComponent("results.db").path)
    let keys = try store.query("SELECT key FROM configs ORDER BY id").rows.compactMap { row -> String? in
      if case .text(let key) = row[0] { return key }
      return nil
    }
    #expect(keys.count == 3)
    try store.insertMeasurements(
      zip(keys, [Double.infinity, 8, 12]).map { Measurement(configKey: $0, metric: "latency_ms", value: $1) },
      dataset: DatasetRecord(name: "bench", source: "test", description: "latency", importedAt: "2024-01-01"))
    let pareto = try CommandRunner.run(["pareto", "--sweep", "grid", "--y", "latency_ms"], in: here)
    #expect(pareto.status == 0)
    #expect(pareto.standardError.contains("1 point with non-finite values left out"), "\(pareto.standardError)")
    let plot = try CommandRunner.run(["plot", "--sweep", "grid", "--y", "latency_ms", "--out", "l.svg"], in: here)
    #expect(plot.standardOutput.contains("1 point with non-finite values left out"), "\(plot.standardOutput)")
  }

  @Test func paretoKeepsTestProtocolsApart() throws {
    let here = try prepared()
    defer { try? FileManager.default.removeItem(at: here) }
    _ = try CommandRunner.run(["sweep", "--standard"], in: here)
    let pareto = try CommandRunner.run(["pareto", "--sweep", "presets", "--y", "top1", "--format", "csv"], in: here)
    let lines = pareto.standardOutput.components(separatedBy: "\r\n")
    #expect(lines[0] == "preset,configuration,dataset,views,macs,top1,key")
    // 4 + 4 zoo rows at 10×3 views, 5 paper rows at 10×1: three frontiers, never one mixed curve.
    #expect(lines.filter { $0.contains(",paper-table3,10×1,") }.count == 5)
    #expect(lines.filter { $0.contains(",slowfast-model-zoo,10×3,") }.count == 4)
    #expect(lines.filter { $0.contains(",pytorchvideo-model-zoo,10×3,") }.count == 4)

    let latex = try CommandRunner.run(
      ["export", "--sweep", "presets", "--format", "latex", "--columns", "preset,macs,top1@slowfast-model-zoo"],
      in: here)
    #expect(latex.standardOutput.contains("% Top-1 (%): dataset slowfast-model-zoo, 10×3 views (30 per video)"))
    let grid = try CommandRunner.run(
      ["export", "--sweep", "grid", "--format", "latex", "--columns", "preset,macs"], in: here)
    #expect(
      grid.standardOutput.contains("the sweep is tested with 10×3 views: × 30 per video"), "\(grid.standardOutput)")
  }

  @Test func costPerViewAndPerVideo() throws {
    let table = try CommandRunner.run(["--preset", "m", "--views", "10x3"])
    #expect(table.status == 0)
    #expect(table.standardOutput.contains("10×3 = 30 views"))
    #expect(table.standardOutput.contains("4.73 G     × 30   141.97 G"), "\(table.standardOutput)")
    let json = try CommandRunner.run(["--preset", "m", "--views", "10x3", "--format", "json"])
    #expect(json.standardOutput.contains("\"macs_per_video\" : 141974062080"))
    for bad in ["10x0", "3", "10x3x2", "ax3", "1001x1", "-1x3"] {
      let refused = try CommandRunner.run(["--preset", "m", "--views=\(bad)"])
      #expect(refused.status == 2 && refused.standardError.contains("'\(bad)'"), "\(bad): \(refused.standardError)")
    }
  }
}
