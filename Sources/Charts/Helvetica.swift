/// Text measurement with the metrics of the standard PDF fonts Helvetica and Helvetica-Bold (Adobe's AFM files,
/// advance widths in 1/1000 em), and their WinAnsi encoding. A figure measures every string with these widths, so
/// label boxes match what a PDF viewer draws; SVG viewers substitute Arial, whose widths are the same.
enum Helvetica {
  /// Advance widths of U+0020 … U+007E, Helvetica.
  static let regular: [UInt16] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
  ]
  /// Advance widths of U+0020 … U+007E, Helvetica-Bold.
  static let bold: [UInt16] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
  ]

  /// The WinAnsi characters beyond ASCII that figures use: (code, regular width, bold width).
  static let extra: [Character: (code: UInt8, regular: UInt16, bold: UInt16)] = [
    "×": (0xD7, 584, 584), "²": (0xB2, 333, 333), "³": (0xB3, 333, 333), "µ": (0xB5, 556, 611),
    "·": (0xB7, 278, 278), "–": (0x96, 556, 556), "—": (0x97, 1000, 1000), "°": (0xB0, 400, 400),
    "±": (0xB1, 584, 584), "é": (0xE9, 556, 556),
  ]

  /// The width of `text` in points at `size` points. Characters the fonts lack are measured as `?` (what the PDF
  /// writer puts in their place).
  static func width(_ text: String, size: Double, bold isBold: Bool = false) -> Double {
    let table = isBold ? bold : regular
    var units = 0
    for character in text {
      if let ascii = character.asciiValue, ascii >= 32, ascii < 127 {
        units += Int(table[Int(ascii) - 32])
      } else if let extra = extra[character] {
        units += Int(isBold ? extra.bold : extra.regular)
      } else {
        units += Int(table[Int(UInt8(ascii: "?")) - 32])
      }
    }
    return Double(units) * size / 1000
  }

  /// `text` in WinAnsiEncoding, `?` for characters outside it.
  static func winAnsi(_ text: String) -> [UInt8] {
    text.map { character in
      if let ascii = character.asciiValue, ascii >= 32, ascii < 127 { return ascii }
      return extra[character]?.code ?? UInt8(ascii: "?")
    }
  }

  /// Height of capitals and depth of descenders, in em (AFM CapHeight 718, Descender −207).
  static let capHeight = 0.718
  static let descender = 0.207
}
