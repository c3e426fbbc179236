/// The file formats a figure can be written in, chosen by the output path's extension.
public enum FigureFormat: String, CaseIterable, Sendable {
  case svg, pdf

  /// The format for `path` (`fig.pdf`, `FIG.SVG`), or nil for any other extension.
  public init?(path: String) {
    guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
    self.init(rawValue: path[path.index(after: dot)...].lowercased())
  }
}

extension Figure {
  /// The figure laid out and written in `format`.
  public func rendered(_ format: FigureFormat) -> (bytes: [UInt8], layout: FigureLayout) {
    let layout = FigureLayout(self)
    switch format {
    case .svg: return (Array(SVGWriter.document(self, layout).utf8), layout)
    case .pdf: return (PDFWriter.document(self, layout), layout)
    }
  }
}

/// A length on the command line: `3.3in`, `8.4cm`, `84mm`, `240pt` (points when no unit is given).
public enum PageLength {
  /// The length in points, or nil when `text` is not a positive length.
  public static func points(_ text: String) -> Double? {
    let units: [(String, Double)] = [("in", 72), ("cm", 72 / 2.54), ("mm", 72 / 25.4), ("pt", 1), ("", 1)]
    for (suffix, scale) in units where text.hasSuffix(suffix) {
      guard let value = Double(text.dropLast(suffix.count)), value.isFinite, value > 0,
        (value * scale).isFinite
      else { return nil }
      return value * scale
    }
    return nil
  }
}
