/// A `--criterion-cmd` template: shell text with `{field}` template fields, each replaced by a value that the shell
/// reads as exactly that text, whatever quotes the user put around the field.
///
/// Braces follow Python's `str.format`: `{name}` is a field (it must be one of the known names), `{{` is a literal
/// `{` and `}}` a literal `}`; any other brace is an error, so `awk '{print $2}'` is written `awk '{{print $2}}'` and
/// `${VAR}` is written `${{VAR}}`.
///
/// Each field is substituted for the shell quoting context it sits in (read from the literal text before it, as
/// `/bin/sh` reads it):
/// - unquoted (also inside `$(…)` or backquotes): one word, as is when it holds only `A–Z a–z 0–9 . _ - + , / :`
///   characters, else single-quoted with `'` written `'\''`;
/// - inside single quotes: the text with each `'` written `'\''` (close, escaped quote, reopen);
/// - inside double quotes: the text with `\`, `"`, `$` and backquote escaped by a backslash.
public struct CommandTemplate: Hashable, Sendable {
  /// Where a template field sits, for the shell.
  enum Context: Hashable, Sendable { case unquoted, singleQuoted, doubleQuoted }

  enum Piece: Hashable, Sendable {
    case literal(String)
    case field(String, Context)
  }

  public let text: String
  let pieces: [Piece]

  /// Parses `text`; fails on a lone brace or an unknown field name, naming it and the known ones.
  public init(_ text: String, known: Set<String>) throws(SearchError) {
    self.text = text
    var pieces: [Piece] = []
    var literal = ""
    var quoting = ShellQuoting()
    var index = text.startIndex
    func refuse(_ reason: String) -> SearchError {
      .invalidSetting(name: "--criterion-cmd", value: text, reason: reason)
    }
    while index < text.endIndex {
      let character = text[index]
      let next = text.index(after: index)
      if character == "{" || character == "}" {
        if next < text.endIndex, text[next] == character {
          literal.append(character)
          quoting.read(character)
          index = text.index(after: next)
          continue
        }
        guard character == "{", let close = text[next...].firstIndex(of: "}") else {
          throw refuse("lone '\(character)'; write {{ and }} for literal braces")
        }
        let name = String(text[next..<close])
        guard known.contains(name) else {
          let shown = name.count > 40 ? String(name.prefix(40)) + "…" : name
          throw refuse(
            "unknown field {\(shown)} (write {{ and }} for literal braces, e.g. awk '{{print $2}}'); known: "
              + known.sorted().map { "{\($0)}" }.joined(separator: " "))
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        literal = ""
        pieces.append(.field(name, quoting.context))
        index = text.index(after: close)
        continue
      }
      literal.append(character)
      quoting.read(character)
      index = next
    }
    if !literal.isEmpty { pieces.append(.literal(literal)) }
    self.pieces = pieces
  }

  /// The field names the template uses.
  public var fields: Set<String> {
    Set(pieces.compactMap { if case .field(let name, _) = $0 { name } else { nil } })
  }

  /// The command line with every field replaced by `values[name]` (an absent value is empty).
  public func render(_ values: [String: String]) -> String {
    var out = ""
    for piece in pieces {
      switch piece {
      case .literal(let text): out += text
      case .field(let name, let context): out += Self.quote(values[name] ?? "", for: context)
      }
    }
    return out
  }

  /// `value` written so that `/bin/sh` reads exactly `value` in `context`.
  static func quote(_ value: String, for context: Context) -> String {
    switch context {
    case .unquoted:
      let plain =
        !value.isEmpty
        && value.unicodeScalars.allSatisfy { $0.isASCII && (Self.plainCharacters.contains(Character($0))) }
      return plain ? value : "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    case .singleQuoted:
      return value.replacingOccurrences(of: "'", with: "'\\''")
    case .doubleQuoted:
      var out = ""
      for character in value {
        if "\\\"$`".contains(character) { out.append("\\") }
        out.append(character)
      }
      return out
    }
  }

  private static let plainCharacters = Set(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-+,/:")
}
