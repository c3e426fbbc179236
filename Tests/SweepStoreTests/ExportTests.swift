import Testing

@testable import SweepStore

/// CSV, Markdown and LaTeX for papers.
struct ExportTests {
  func presetsStore() throws -> ResultsStore {
    let store = try ResultsStore.inMemory()
    try StandardResults.regenerate(into: store, evaluator: costModel, toolVersion: "test")
    return store
  }

  func table(_ store: ResultsStore, _ names: [String]) throws -> ExportTable {
    let columns = try names.map { try store.column(named: $0) }
    return ExportTable(
      columns: columns, result: try store.table(sweep: "presets", columns: columns))
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
    #expect(ExportTable.csvField("a,b") == "\"a,b\"")
    #expect(ExportTable.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(ExportTable.csvField("plain") == "plain")
  }

  @Test func latexIsABooktabsTableInGMACsAndMillions() throws {
    let store = try presetsStore()
    let latex = try table(store, ["preset", "frames", "macs", "params_no_bn", "top1@paper-table3"])
      .render(.latex)
    #expect(latex.hasPrefix("\\begin{tabular}{lrrrr}\n\\toprule\n"))
    #expect(
      latex.contains(
        "preset & frames & macs (GMACs) & params\\_no\\_bn (M) & top1@paper-table3 (\\%) \\\\\n\\midrule"
      ))
    #expect(latex.contains("m & 16 & 4.73 & 3.76 & 74.6 \\\\"))
    #expect(latex.contains("xl & 16 & 35.84 & 11.00 & 78.4 \\\\"))
    #expect(latex.hasSuffix("\\bottomrule\n\\end{tabular}\n"))
  }

  @Test func markdownAlignsNumbersRight() throws {
    let store = try presetsStore()
    let markdown = try table(store, ["preset", "macs"]).render(.markdown)
    #expect(markdown.hasPrefix("| preset | macs (GMACs) |\n|---|---:|\n| x2d | 0.02 |\n"))
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
