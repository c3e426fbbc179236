import Foundation
import X3DModel

/// Tables for papers: RFC 4180 CSV with exact values and the columns' names, or Markdown and LaTeX (booktabs) with
/// headers in words with units and values scaled as in ``ColumnDisplay`` (`GFLOPs`, `Params (M)`, `Memory (MiB)`),
/// model names as the paper writes them (`X3D-M`).
public enum ExportFormat: String, CaseIterable, Sendable {
  case csv, markdown, latex
}

/// How Markdown and LaTeX tables are written.
public struct ExportOptions: Sendable, Equatable {
  /// Decimals of every scaled numeric column (default: the column's own, e.g. 2 for GFLOPs, 1 for MiB).
  public var precision: Int?
  /// Bold the best value of each cost column (the smallest) and of each metric (by its direction).
  public var boldBest = false
  /// LaTeX: siunitx `S` columns, aligned on the decimal point.
  public var siunitx = false
  /// LaTeX: scale the table to `\linewidth` with `\resizebox` (graphicx).
  public var fit = false

  public init(precision: Int? = nil, boldBest: Bool = false, siunitx: Bool = false, fit: Bool = false) {
    self.precision = precision
    self.boldBest = boldBest
    self.siunitx = siunitx
    self.fit = fit
  }
}

public struct ExportTable: Sendable {
  public var columns: [ResultColumn]
  /// Header overrides (`--columns macs:GFLOPs`), nil for the column's own.
  public var headers: [String?]
  public var result: QueryResult
  /// Sentences about the table (which dataset and test protocol a metric comes from, the sweep's views): LaTeX
  /// comments, and lines after a Markdown table.
  public var notes: [String]

  public init(columns: [ResultColumn], headers: [String?]? = nil, result: QueryResult, notes: [String] = []) {
    self.columns = columns
    self.headers = headers ?? columns.map { _ in nil }
    self.result = result
    self.notes = notes
  }

  public func render(_ format: ExportFormat, _ options: ExportOptions = ExportOptions()) -> String {
    switch format {
    case .csv:
      return TableText.csv(
        [zip(columns, headers).map { $1 ?? $0.name }] + result.rows.map { $0.map(\.description) })
    case .markdown:
      let cells = scaledRows(options)
      let table = TableText.markdown(
        headers: zip(columns, headers).map { $1 ?? $0.display.header }, rightAligned: columns.map { !$0.isText },
        rows: cells.map { row in row.map { $0.bold ? "**\($0.text)**" : $0.text } })
      return notes.isEmpty ? table : table + "\n" + notes.joined(separator: "\n") + "\n"
    case .latex:
      return latex(options)
    }
  }

  // MARK: Scaled cells

  /// Whether a column has a best value: costs (smaller is better) and metrics (by their direction).
  static func bestDirection(_ column: ResultColumn) -> Bool? {
    if case .measurement = column.source { return column.higherIsBetter }
    return ["MACs", "FLOPs", "parameters", "elements", "bytes"].contains(column.unit) ? false : nil
  }

  func decimals(_ column: ResultColumn, _ options: ExportOptions) -> Int {
    let display = column.display
    if display.divisor == 1 && column.unit != "%" && isIntegral(column) { return 0 }
    return options.precision ?? display.decimals
  }

  private func isIntegral(_ column: ResultColumn) -> Bool {
    guard let index = columns.firstIndex(of: column) else { return false }
    return result.rows.allSatisfy { row in
      if case .integer = row[index] { return true }
      if case .null = row[index] { return true }
      return false
    }
  }

  /// Every cell as shown (scaled, rounded; presets as `X3D-M`), and whether it is its column's best.
  func scaledRows(_ options: ExportOptions) -> [[(text: String, bold: Bool)]] {
    var best: [Int: String] = [:]
    let texts = result.rows.map { row in
      zip(columns, row).map { column, cell -> String in
        if column.name == "preset", case .text(let raw) = cell, let preset = Preset(rawValue: raw) {
          return PlotPoint.displayName(preset)
        }
        guard !column.isText, let value = cell.number else { return cell.description }
        return String(format: "%.\(decimals(column, options))f", value / column.display.divisor)
      }
    }
    if options.boldBest {
      for (index, column) in columns.enumerated() {
        guard let higher = Self.bestDirection(column) else { continue }
        let values = result.rows.compactMap { $0[index].number }
        guard let top = higher ? values.max() : values.min() else { continue }
        best[index] = String(format: "%.\(decimals(column, options))f", top / column.display.divisor)
      }
    }
    return texts.map { row in row.indices.map { (row[$0], best[$0] == row[$0]) } }
  }

  // MARK: LaTeX

  private func latex(_ options: ExportOptions) -> String {
    let rows = scaledRows(options)
    var specs: [String] = []
    for (index, column) in columns.enumerated() {
      if column.isText {
        specs.append("l")
      } else if options.siunitx {
        let integerDigits = rows.map { $0[index].text.split(separator: ".").first?.count ?? 1 }.max() ?? 1
        specs.append("S[table-format=\(integerDigits).\(decimals(column, options))]")
      } else {
        specs.append("r")
      }
    }
    let headerCells = zip(columns, headers).map { column, header -> String in
      let text = Self.latexEscaped(header ?? column.display.header)
      return options.siunitx && !column.isText ? "{\(text)}" : text
    }
    let bodyLines = rows.map { row in
      zip(columns, row).map { column, cell -> String in
        let text = Self.latexEscaped(cell.text)
        guard cell.bold else { return text }
        return options.siunitx && !column.isText ? "{\\bfseries \(text)}" : "\\textbf{\(text)}"
      }.joined(separator: " & ") + " \\\\"
    }
    // Natural width, roughly: 5 pt a character at 10 pt, plus 12 pt of column separation each.
    let widths = columns.indices.map { index in
      ([headerCells[index]] + rows.map { $0[index].text }).map(\.count).max() ?? 0
    }
    let natural = widths.reduce(0) { $0 + $1 * 5 + 12 }
    var packages = ["booktabs"]
    if options.siunitx { packages.append("siunitx") }
    if options.fit { packages.append("graphicx") }
    var lines = ["% x3d-cost export: \\usepackage{\(packages.joined(separator: ","))}"]
    if columns.contains(where: { $0.name == "macs" }) {
      lines.append("% GFLOPs: multiply-adds of conv and linear layers (the X3D paper's FLOPs), 10^9")
    }
    lines += notes.map { "% " + $0 }
    if options.fit {
      lines.append("\\resizebox{\\linewidth}{!}{%")
    } else {
      lines.append(
        "% natural width about \(natural) pt (one column of a two-column paper: 240 pt); --fit scales it to \\linewidth"
      )
    }
    lines.append("\\begin{tabular}{" + specs.joined() + "}")
    lines += ["\\toprule", headerCells.joined(separator: " & ") + " \\\\", "\\midrule"]
    lines += bodyLines
    lines += ["\\bottomrule", "\\end{tabular}"]
    if options.fit { lines.append("}") }
    return lines.joined(separator: "\n") + "\n"
  }

  static func latexEscaped(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "\\": result += "\\textbackslash{}"
      case "&", "%", "$", "#", "_", "{", "}": result += "\\" + String(character)
      case "~": result += "\\textasciitilde{}"
      case "^": result += "\\textasciicircum{}"
      case "²": result += "$^2$"
      case "×": result += "$\\times$"
      case "γ": result += "$\\gamma$"
      case "τ": result += "$\\tau$"
      default: result.append(character)
      }
    }
    return result
  }
}
