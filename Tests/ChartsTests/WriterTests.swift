import Charts
import Foundation
import TestSupport
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The PDF and SVG a figure is written as: well-formed, with the labels, legend and axis titles as text.
struct WriterTests {
  func figure() -> Figure {
    var figure = FigureSamples.dense(count: 400, width: 237.6, labels: 4)
    figure.labels.append(FigureLabel(text: "X3D-M (a) \\ 16×224²", point: figure.series[0].frontier.last!))
    return figure
  }

  /// Offsets of `N 0 obj` in the file, by object number.
  func objectOffsets(_ bytes: [UInt8]) -> [Int: Int] {
    var offsets: [Int: Int] = [:]
    let text = String(decoding: bytes.map { $0 < 128 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    var index = text.startIndex
    while let range = text.range(of: " 0 obj\n", range: index..<text.endIndex) {
      var start = range.lowerBound
      while start > text.startIndex, text[text.index(before: start)].isNumber { start = text.index(before: start) }
      offsets[Int(text[start..<range.lowerBound])!] = text.utf8.distance(from: text.startIndex, to: start)
      index = range.upperBound
    }
    return offsets
  }

  @Test func pdfHasAValidCrossReferenceTableAndTheTexts() throws {
    let figure = figure()
    let (bytes, layout) = figure.rendered(.pdf)
    let text = String(decoding: bytes.map { $0 < 128 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    #expect(text.hasPrefix("%PDF-1.4\n"))
    #expect(text.hasSuffix("%%EOF\n"))
    // startxref points at the xref table, and every entry at its object.
    let startxref = try #require(text.range(of: "startxref\n", options: .backwards))
    let xrefOffset = try #require(Int(text[startxref.upperBound...].prefix { $0.isNumber }))
    let xref = text.utf8.dropFirst(xrefOffset)
    #expect(String(decoding: xref.prefix(5), as: UTF8.self) == "xref\n")
    let lines = String(decoding: xref, as: UTF8.self).split(separator: "\n")
    let count = try #require(Int(lines[1].split(separator: " ")[1]))
    #expect(count == 7)
    let objects = objectOffsets(bytes)
    for number in 1..<count {
      let entry = lines[2 + number]
      #expect(entry.count == 19 && entry.hasSuffix(" 00000 n "), "\(entry)")  // 20 bytes with the LF
      #expect(Int(entry.prefix(10)) == objects[number], "object \(number)")
    }
    // The content stream's /Length is its byte count.
    let lengthRange = try #require(text.range(of: "<< /Length "))
    let length = try #require(Int(text[lengthRange.upperBound...].prefix { $0.isNumber }))
    let streamStart = try #require(text.range(of: "stream\n", range: lengthRange.upperBound..<text.endIndex))
    let streamEnd = try #require(text.range(of: "\nendstream", range: streamStart.upperBound..<text.endIndex))
    #expect(text.utf8.distance(from: streamStart.upperBound, to: streamEnd.lowerBound) == length)
    #expect(text.contains("/BaseFont /Helvetica /Encoding /WinAnsiEncoding"))
    // Every placed label, the axis titles and the legend are text strings; WinAnsi bytes for × and ².
    for (label, _) in layout.placed where label.allSatisfy(\.isASCII) { #expect(text.contains("(\(label)) Tj")) }
    #expect(text.contains("(multiply-adds \\(G\\)) Tj"))
    #expect(text.contains("(top-1 accuracy \\(%\\)) Tj"))
    #expect(text.contains("(Pareto frontier) Tj"))
    let special = Array("(X3D-M \\(a\\) \\\\ 16".utf8) + [0xD7] + Array("224".utf8) + [0xB2] + Array(") Tj".utf8)
    #expect(layout.placed.contains { $0.text.hasPrefix("X3D-M (a)") } == bytes.contains(subsequence: special))
  }

  @Test func pdfReadersAcceptIt() throws {
    guard let pdftotext = ExternalTool.find("pdftotext") else { return }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pdf-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("figure.pdf")
    try Data(figure().rendered(.pdf).bytes).write(to: file)
    let (status, output) = ExternalTool.run(pdftotext, [file.path, "-"])
    #expect(status == 0, "\(output)")
    #expect(!output.contains("Error"), "\(output)")
    #expect(output.contains("Pareto frontier"))
    #expect(output.contains("multiply-adds (G)"))
  }

  /// Collects every text element of an SVG with an XML parser.
  final class TextCollector: NSObject, XMLParserDelegate {
    var texts: [String] = []
    var current: String?
    var root: String?
    func parser(
      _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      if root == nil { root = name }
      if name == "text" { current = "" }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { current? += string }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
      if name == "text", let current { texts.append(current) }
      current = nil
    }
  }

  @Test func svgParsesAndCarriesTheLabels() throws {
    let (bytes, layout) = figure().rendered(.svg)
    let parser = XMLParser(data: Data(bytes))
    let collector = TextCollector()
    parser.delegate = collector
    #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    #expect(collector.root == "svg")
    #expect(!layout.placed.isEmpty)
    for (label, _) in layout.placed { #expect(collector.texts.contains(label), "\(label)") }
    for text in ["multiply-adds (G)", "top-1 accuracy (%)", "Pareto frontier", "configurations"] {
      #expect(collector.texts.contains(text), "\(text)")
    }
    #expect(String(decoding: bytes, as: UTF8.self).contains("width=\"237.6pt\""))
  }

  @Test func renderingIsDeterministic() {
    #expect(figure().rendered(.pdf).bytes == figure().rendered(.pdf).bytes)
    #expect(figure().rendered(.svg).bytes == figure().rendered(.svg).bytes)
  }

  @Test func formatsFollowTheExtension() {
    #expect(FigureFormat(path: "fig.pdf") == .pdf)
    #expect(FigureFormat(path: "out/FIG.SVG") == .svg)
    #expect(FigureFormat(path: "fig.png") == nil)
    #expect(FigureFormat(path: "fig") == nil)
    #expect(FigureFormat(path: "dir.pdf/fig") == nil)
    #expect(PageLength.points("3.3in") == 3.3 * 72)
    #expect(PageLength.points("240pt") == 240)
    #expect(PageLength.points("-1in") == nil)
    #expect(PageLength.points("wide") == nil)
  }
}

extension Array where Element == UInt8 {
  func contains(subsequence: [UInt8]) -> Bool {
    guard subsequence.count <= count else { return false }
    return (0...(count - subsequence.count)).contains { self[$0..<($0 + subsequence.count)].elementsEqual(subsequence) }
  }
}
