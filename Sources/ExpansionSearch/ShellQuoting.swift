/// Follows `/bin/sh` quoting through literal text: backslash escapes, single and double quotes, and command
/// substitutions (`$(…)`, backquotes), which start a fresh unquoted context even inside double quotes.
struct ShellQuoting {
  private enum Frame {
    case unquoted, single, double
    case substitution(depth: Int)
    case backquote
  }
  private var stack: [Frame] = [.unquoted]
  private var escaped = false
  private var dollar = false

  var context: CommandTemplate.Context {
    switch stack.last! {
    case .single: .singleQuoted
    case .double: .doubleQuoted
    case .unquoted, .substitution, .backquote: .unquoted
    }
  }

  mutating func read(_ character: Character) {
    let afterDollar = dollar
    dollar = false
    if escaped {
      escaped = false
      return
    }
    switch stack.last! {
    case .single:
      if character == "'" { stack.removeLast() }
    case .double:
      switch character {
      case "\\": escaped = true
      case "\"": stack.removeLast()
      case "$": dollar = true
      case "(" where afterDollar: stack.append(.substitution(depth: 0))
      case "`": stack.append(.backquote)
      default: break
      }
    case .unquoted, .substitution, .backquote:
      switch character {
      case "\\": escaped = true
      case "'": stack.append(.single)
      case "\"": stack.append(.double)
      case "$": dollar = true
      case "(":
        if afterDollar {
          stack.append(.substitution(depth: 0))
        } else if case .substitution(let depth) = stack.last! {
          stack[stack.count - 1] = .substitution(depth: depth + 1)
        }
      case ")":
        if case .substitution(let depth) = stack.last! {
          if depth == 0 { stack.removeLast() } else { stack[stack.count - 1] = .substitution(depth: depth - 1) }
        }
      case "`":
        if case .backquote = stack.last! { stack.removeLast() } else { stack.append(.backquote) }
      default: break
      }
    }
  }
}
