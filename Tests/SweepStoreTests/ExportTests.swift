import Foundation
import TestSupport
import Testing

@testable import SweepStore

/// CSV, Markdown and LaTeX for papers.
struct ExportTests {
  func presetsStore() throws -> ResultsStore {
    let store = try ResultsStore.inMemory()
    try StandardResults.regenerate(into: store, evaluator: costModel, toolVersion: "test")
    return store
  }

  func table(_ store: ResultsStore, _ names: [String], headers: [String?]? = nil) throws -> ExportTable {
    let columns = try names.map { try store.column(named: $0) }
    return ExportTable(
      columns: columns, headers: headers, result: try store.table(sweep: "presets", columns: columns))
  }

  @Test func csvHasAHeaderAndExactValues() throws {
    let store = try presetsStore()
    let csv = try table(store, ["preset", "macs", "params", "top1@paper-table3"]).render(.csv)
    let lines = csv.components(separatedBy: "\r\n")
    #expect(lines[0] == "preset,macs,params,top1@paper-table3")
    #expect(lines[1] == "x2d,20662304,1633560,")
    #expect(lines[4] == "m,4732468736,3794322,74.6")
    #expect(csv.hasSuffix("\r\n"))
  }

  @Test func csvQuotesFieldsThatNeedIt() {
    #expect(TableText.csvField("a,b") == "\"a,b\"")
    #expect(TableText.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(TableText.csvField("two\r\nlines") == "\"two\r\nlines\"")
    #expect(TableText.csvField("plain") == "plain")
  }

  @Test func latexIsABooktabsTableWithHeadersInWords() throws {
    let store = try presetsStore()
    let latex = try table(store, ["preset", "frames", "macs", "params_no_bn", "top1@paper-table3"])
      .render(.latex)
    #expect(latex.contains("\\begin{tabular}{lrrrr}\n\\toprule\n"))
    #expect(latex.contains("Model & Frames & GFLOPs & Params (M) & Top-1 (\\%) \\\\\n\\midrule"), "\(latex)")
    #expect(latex.contains("X3D-M & 16 & 4.73 & 3.76 & 74.6 \\\\"))
    #expect(latex.contains("X3D-XL & 16 & 35.84 & 11.00 & 78.4 \\\\"))
    #expect(latex.contains("X2D & 1 & 0.02 & 1.63 &  \\\\"))
    #expect(latex.hasSuffix("\\bottomrule\n\\end{tabular}\n"))
    #expect(latex.contains("--fit scales it"))
  }

  @Test func latexOptions() throws {
    let store = try presetsStore()
    let names = ["preset", "macs", "inference_peak_bytes", "top1@paper-table3"]
    let latex = try table(store, names, headers: [nil, "FLOPs (G)", nil, "Acc."])
      .render(.latex, ExportOptions(precision: 3, boldBest: true, siunitx: true, fit: true))
    #expect(latex.contains("\\usepackage{booktabs,siunitx,graphicx}"))
    #expect(latex.contains("\\resizebox{\\linewidth}{!}{%\n\\begin{tabular}{lS[table-format=2.3]S[table-format="))
    #expect(latex.contains("Model & {FLOPs (G)} & {Memory (MiB)} & {Acc.} \\\\"), "\(latex)")
    // The smallest cost and the highest accuracy are bold; every other value is plain.
    #expect(latex.contains("X2D & {\\bfseries 0.021} & {\\bfseries "), "\(latex)")
    #expect(latex.contains("X3D-XL & 35.838 & 261.422 & "))
    #expect(latex.contains("{\\bfseries 78.400} \\\\"))
    #expect(latex.components(separatedBy: "\\bfseries").count - 1 == 3)
    #expect(latex.hasSuffix("\\end{tabular}\n}\n"))
  }

  @Test func markdownAlignsNumbersRightAndScales() throws {
    let store = try presetsStore()
    let markdown = try table(store, ["preset", "macs"]).render(.markdown, ExportOptions(boldBest: true))
    #expect(
      markdown.hasPrefix("| Model | GFLOPs |\n|---|---:|\n| X2D | **0.02** |\n| X3D-XS | 0.61 |\n"), "\(markdown)")
  }

  /// The table compiles with pdflatex where it is installed (skipped otherwise); siunitx only where it exists.
  @Test func latexCompiles() throws {
    guard let pdflatex = ExternalTool.find("pdflatex") else { return }
    let store = try presetsStore()
    let siunitx =
      ExternalTool.find("kpsewhich").map { ExternalTool.run($0, ["siunitx.sty"], in: nil).status == 0 } ?? false
    let columns = ["preset", "frames", "crop", "macs", "params_no_bn", "inference_peak_bytes", "top1@paper-table3"]
    let latex = try table(store, columns).render(.latex, ExportOptions(boldBest: true, siunitx: siunitx, fit: true))
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("latex-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let document = """
      \\documentclass[twocolumn]{article}
      \\usepackage{booktabs,graphicx\(siunitx ? ",siunitx" : "")}
      \\begin{document}
      \\begin{table}[t]\\centering
      \(latex)\\caption{X3D presets.}
      \\end{table}
      \\end{document}
      """
    try document.write(to: directory.appendingPathComponent("table.tex"), atomically: true, encoding: .utf8)
    let result = ExternalTool.run(pdflatex, ["-interaction=nonstopmode", "-halt-on-error", "table.tex"], in: directory)
    #expect(result.status == 0, "\(result.output.suffix(2000))")
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("table.pdf").path))
    #expect(!result.output.contains("Overfull \\hbox"), "\(result.output.suffix(2000))")
  }

  @Test func ambiguousMetricNeedsADataset() throws {
    let store = try presetsStore()
    #expect(
      throws: StoreError.ambiguousMetric(
        metric: "top1", datasets: ["paper-table3", "pytorchvideo-model-zoo", "slowfast-model-zoo"])
    ) {
      _ = try table(store, ["preset", "top1"])
    }
    #expect(throws: StoreError.self) { _ = try store.column(named: "gflops") }
  }
}
