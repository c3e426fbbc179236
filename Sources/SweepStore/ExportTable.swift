import Foundation

/// Tables for papers: RFC 4180 CSV with exact values, or Markdown and LaTeX (booktabs) with scaled units
/// (multiply-adds in G with two decimals, parameters in M with two decimals, bytes in MiB with one decimal).
public enum ExportFormat: String, CaseIterable, Sendable {
  case csv, markdown, latex
}

public struct ExportTable: Sendable {
  public var columns: [ResultColumn]
  public var result: QueryResult

  public init(columns: [ResultColumn], result: QueryResult) {
    self.columns = columns
    self.result = result
  }

  public func render(_ format: ExportFormat) -> String {
    switch format {
    case .csv:
      let lines = [columns.map(\.name)] + result.rows.map { $0.map(\.description) }
      return lines.map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\r\n")
        + "\r\n"
    case .markdown:
      let header = "| " + columns.map { Self.header($0) }.joined(separator: " | ") + " |"
      let rule = "|" + columns.map { $0.isText ? "---|" : "---:|" }.joined()
      let rows = result.rows.map { row in
        "| "
          + zip(columns, row).map { Self.scaled($1, $0).replacingOccurrences(of: "|", with: "\\|") }
          .joined(separator: " | ") + " |"
      }
      return ([header, rule] + rows).joined(separator: "\n") + "\n"
    case .latex:
      var lines = [
        "\\begin{tabular}{" + columns.map { $0.isText ? "l" : "r" }.joined() + "}", "\\toprule",
      ]
      lines.append(
        columns.map { Self.latexEscaped(Self.header($0)) }.joined(separator: " & ") + " \\\\")
      lines.append("\\midrule")
      for row in result.rows {
        lines.append(
          zip(columns, row).map { Self.latexEscaped(Self.scaled($1, $0)) }.joined(separator: " & ")
            + " \\\\")
      }
      lines += ["\\bottomrule", "\\end{tabular}"]
      return lines.joined(separator: "\n") + "\n"
    }
  }

  /// Column heading with its scaled unit, e.g. `macs (GMACs)`, `params (M)`.
  static func header(_ column: ResultColumn) -> String {
    switch column.unit {
    case "MACs": "\(column.name) (GMACs)"
    case "FLOPs": "\(column.name) (GFLOPs)"
    case "parameters", "elements": "\(column.name) (M)"
    case "bytes": "\(column.name) (MiB)"
    case "%": "\(column.name) (%)"
    default: column.name
    }
  }

  /// A cell scaled to the unit of ``header(_:)``.
  static func scaled(_ cell: QueryResult.Cell, _ column: ResultColumn) -> String {
    guard let value = cell.number, !column.isText else { return cell.description }
    switch column.unit {
    case "MACs", "FLOPs": return String(format: "%.2f", value / 1e9)
    case "parameters", "elements": return String(format: "%.2f", value / 1e6)
    case "bytes": return String(format: "%.1f", value / 1_048_576)
    default:
      return cell.description
    }
  }

  static func csvField(_ field: String) -> String {
    guard
      field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
    else {
      return field
    }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
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
      case "γ": result += "$\\gamma$"
      case "τ": result += "$\\tau$"
      default: result.append(character)
      }
    }
    return result
  }
}
