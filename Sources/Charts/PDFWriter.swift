import Foundation

/// Writes a laid-out figure as a one-page PDF 1.4 file: vector marks in one uncompressed content stream, text in
/// the standard fonts Helvetica and Helvetica-Bold (not embedded; every PDF reader has them) with WinAnsiEncoding,
/// translucency through ExtGState `ca`/`CA`. The cross-reference table gives each object's byte offset, so
/// `\includegraphics` and any reader take the file as is. The output is deterministic.
public enum PDFWriter {
  public static func document(_ figure: Figure, _ layout: FigureLayout) -> [UInt8] {
    let height = figure.height
    var opacities: [Double] = []
    var content = ""
    func y(_ value: Double) -> String { n(height - value) }
    func state(_ opacity: Double) -> String {
      if opacity >= 1 { return "/GS0 gs\n" }
      let rounded = (opacity * 100).rounded() / 100
      if !opacities.contains(rounded) { opacities.append(rounded) }
      return "/GS\(opacities.firstIndex(of: rounded)! + 1) gs\n"
    }
    func color(_ rgb: RGB, _ op: String) -> String {
      "\(n(Double(rgb.red) / 255)) \(n(Double(rgb.green) / 255)) \(n(Double(rgb.blue) / 255)) \(op)\n"
    }
    func paint(_ fill: RGB?, _ stroke: RGB?) -> String {
      fill != nil && stroke != nil ? "B\n" : fill != nil ? "f\n" : "S\n"
    }
    for mark in layout.marks {
      switch mark {
      case .rect(let box, let fill, let stroke, let lineWidth, let opacity):
        content += state(opacity)
        if let fill { content += color(fill, "rg") }
        if let stroke { content += color(stroke, "RG") + "\(n(lineWidth)) w\n" }
        content += "\(n(box.minX)) \(y(box.maxY)) \(n(box.width)) \(n(box.height)) re\n" + paint(fill, stroke)
      case .polyline(let points, let stroke, let lineWidth, let opacity):
        guard let first = points.first else { continue }
        content += state(opacity) + color(stroke, "RG") + "\(n(lineWidth)) w 1 j\n"
        content += "\(n(first.x)) \(y(first.y)) m\n"
        for point in points.dropFirst() { content += "\(n(point.x)) \(y(point.y)) l\n" }
        content += "S\n"
      case .marker(let shape, let center, let radius, let fill, let stroke, let opacity):
        content += state(opacity)
        if let fill { content += color(fill, "rg") }
        if let stroke { content += color(stroke, "RG") + "0.4 w\n" }
        if shape == .circle {
          // Four Bézier quarters; k = 0.5523 puts the midpoints on the circle.
          let (cx, cy, r, k) = (center.x, height - center.y, radius, radius * 0.5523)
          content += "\(n(cx + r)) \(n(cy)) m\n"
          content += "\(n(cx + r)) \(n(cy + k)) \(n(cx + k)) \(n(cy + r)) \(n(cx)) \(n(cy + r)) c\n"
          content += "\(n(cx - k)) \(n(cy + r)) \(n(cx - r)) \(n(cy + k)) \(n(cx - r)) \(n(cy)) c\n"
          content += "\(n(cx - r)) \(n(cy - k)) \(n(cx - k)) \(n(cy - r)) \(n(cx)) \(n(cy - r)) c\n"
          content += "\(n(cx + k)) \(n(cy - r)) \(n(cx + r)) \(n(cy - k)) \(n(cx + r)) \(n(cy)) c\n"
        } else {
          let points = MarkerPath.polygon(shape, center: center, radius: radius)
          content += "\(n(points[0].x)) \(y(points[0].y)) m\n"
          for point in points.dropFirst() { content += "\(n(point.x)) \(y(point.y)) l\n" }
        }
        content += "h\n" + paint(fill, stroke)
      case .text(let text, let at, let size, let bold, let anchor, let vertical):
        let width = Helvetica.width(text, size: size, bold: bold)
        let shift = anchor == .start ? 0 : anchor == .middle ? width / 2 : width
        content += state(1) + "0 0 0 rg\nBT /\(bold ? "F2" : "F1") \(n(size)) Tf\n"
        if vertical {
          content += "0 1 -1 0 \(n(at.x)) \(n(height - at.y - shift)) Tm\n"
        } else {
          content += "1 0 0 1 \(n(at.x - shift)) \(y(at.y)) Tm\n"
        }
        content += "(\(literal(text))) Tj ET\n"
      }
    }
    // The content stream holds WinAnsi bytes in its strings; everything else is ASCII.
    let stream = encoded(content)
    var states = "/GS0 << /Type /ExtGState /ca 1 /CA 1 >>"
    for (index, opacity) in opacities.enumerated() {
      states += " /GS\(index + 1) << /Type /ExtGState /ca \(n(opacity)) /CA \(n(opacity)) >>"
    }
    let objects: [[UInt8]] = [
      Array("<< /Type /Catalog /Pages 2 0 R >>".utf8),
      Array("<< /Type /Pages /Kids [3 0 R] /Count 1 >>".utf8),
      Array(
        ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(n(figure.width)) \(n(height))] "
          + "/Resources << /Font << /F1 5 0 R /F2 6 0 R >> /ExtGState << \(states) >> >> /Contents 4 0 R >>").utf8),
      Array("<< /Length \(stream.count) >>\nstream\n".utf8) + stream + Array("\nendstream".utf8),
      Array("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".utf8),
      Array("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".utf8),
    ]
    var file = Array("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
    var offsets: [Int] = []
    for (index, object) in objects.enumerated() {
      offsets.append(file.count)
      file += Array("\(index + 1) 0 obj\n".utf8) + object + Array("\nendobj\n".utf8)
    }
    let xref = file.count
    var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
    for offset in offsets { table += String(format: "%010d 00000 n \n", offset) }
    table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
    return file + Array(table.utf8)
  }

  /// A PDF string literal's body: WinAnsi text with `\`, `(` and `)` escaped. Marked by U+E000 … U+E0FF so that
  /// ``encoded(_:)`` writes the bytes themselves.
  static func literal(_ text: String) -> String {
    var out = ""
    for byte in Helvetica.winAnsi(text) {
      switch byte {
      case UInt8(ascii: "\\"), UInt8(ascii: "("), UInt8(ascii: ")"):
        out += "\\" + String(UnicodeScalar(byte))
      case 0x20..<0x7F: out += String(UnicodeScalar(byte))
      default: out.unicodeScalars.append(UnicodeScalar(0xE000 + UInt32(byte))!)
      }
    }
    return out
  }

  /// The content as bytes: ASCII as is, U+E000 + b as the byte b.
  static func encoded(_ content: String) -> [UInt8] {
    content.unicodeScalars.map { scalar in
      scalar.value >= 0xE000 && scalar.value <= 0xE0FF
        ? UInt8(scalar.value - 0xE000) : UInt8(truncatingIfNeeded: scalar.value)
    }
  }

  static func n(_ value: Double) -> String { SVGWriter.n(value) }
}
