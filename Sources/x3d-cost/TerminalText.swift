/// Text from a database or a file made safe to print on a terminal.
enum TerminalText {
  /// `text` with every character that could move the cursor, clear the screen, recolour or reorder what follows
  /// written as an escape: `\n`, `\r`, `\t`, and `\u{XX}` for the other control characters (C0, DEL, C1, so ESC is
  /// `\u{1B}`), the line and paragraph separators and the bidirectional overrides. Other text is unchanged.
  static func escaped(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where needsEscape(scalar): out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
    default: false
    }
  }
}
