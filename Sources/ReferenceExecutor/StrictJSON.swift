/// A JSON value parsed strictly, for headers that come from untrusted files (`.safetensors`).
///
/// Unlike `JSONSerialization`, it refuses duplicate keys (which a lenient parser silently resolves one way or the
/// other), keeps numbers as their literal text (so `1.5` or `1e300` is never truncated to an integer), keeps the
/// order of keys, and bounds nesting at ``maximumDepth`` so a hostile header cannot exhaust the stack.
enum StrictJSON: Equatable {
  case object([(key: String, value: StrictJSON)])
  case array([StrictJSON])
  case string(String)
  /// The number's literal text, e.g. `12`, `-3`, `1.5e3`.
  case number(String)
  case bool(Bool)
  case null

  /// Deeper nesting is refused.
  static let maximumDepth = 64

  /// Why a text is not strict JSON, with the byte offset where parsing stopped.
  struct ParseError: Error, Equatable {
    var reason: String
    var offset: Int
  }

  /// The integer the number holds, when it is an integer that fits in `Int` (`2`, `-7`; not `2.0`, `1e3`).
  var integer: Int? {
    if case .number(let text) = self { Int(text) } else { nil }
  }

  /// Parses one JSON value that spans all of `bytes` (whitespace around it allowed).
  static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(ParseError) -> StrictJSON {
    var parser = Parser(bytes: Array(bytes))
    parser.skipWhitespace()
    let value = try parser.value(depth: 0)
    parser.skipWhitespace()
    guard parser.index == parser.bytes.count else { throw parser.fail("text after the JSON value") }
    return value
  }

  static func == (a: StrictJSON, b: StrictJSON) -> Bool {
    switch (a, b) {
    case (.object(let x), .object(let y)):
      x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    case (.array(let x), .array(let y)): x == y
    case (.string(let x), .string(let y)), (.number(let x), .number(let y)): x == y
    case (.bool(let x), .bool(let y)): x == y
    case (.null, .null): true
    default: false
    }
  }

  private struct Parser {
    let bytes: [UInt8]
    var index = 0

    func fail(_ reason: String) -> ParseError { ParseError(reason: reason, offset: index) }

    mutating func skipWhitespace() {
      while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func value(depth: Int) throws(ParseError) -> StrictJSON {
      guard depth < StrictJSON.maximumDepth else {
        throw fail("nested deeper than \(StrictJSON.maximumDepth) levels")
      }
      guard index < bytes.count else { throw fail("unexpected end") }
      switch bytes[index] {
      case UInt8(ascii: "{"): return try object(depth: depth)
      case UInt8(ascii: "["): return try array(depth: depth)
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "t"):
        try literal("true")
        return .bool(true)
      case UInt8(ascii: "f"):
        try literal("false")
        return .bool(false)
      case UInt8(ascii: "n"):
        try literal("null")
        return .null
      default: return .number(try number())
      }
    }

    mutating func object(depth: Int) throws(ParseError) -> StrictJSON {
      index += 1
      var members: [(key: String, value: StrictJSON)] = []
      var seen: Set<String> = []
      skipWhitespace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object([])
      }
      while true {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
        let keyStart = index
        let key = try string()
        guard seen.insert(key).inserted else {
          throw ParseError(reason: "duplicate key \"\(key)\"", offset: keyStart)
        }
        skipWhitespace()
        try expect(":")
        skipWhitespace()
        members.append((key, try value(depth: depth + 1)))
        skipWhitespace()
        if try separatorEnds("}") { return .object(members) }
      }
    }

    mutating func array(depth: Int) throws(ParseError) -> StrictJSON {
      index += 1
      var items: [StrictJSON] = []
      skipWhitespace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array([])
      }
      while true {
        skipWhitespace()
        items.append(try value(depth: depth + 1))
        skipWhitespace()
        if try separatorEnds("]") { return .array(items) }
      }
    }

    /// Consumes `,` (false: more to come) or `close` (true: done).
    mutating func separatorEnds(_ close: Unicode.Scalar) throws(ParseError) -> Bool {
      guard index < bytes.count else { throw fail("unexpected end") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        return false
      }
      if bytes[index] == UInt8(ascii: close) {
        index += 1
        return true
      }
      throw fail("expected ',' or '\(close)'")
    }

    mutating func expect(_ character: Unicode.Scalar) throws(ParseError) {
      guard index < bytes.count, bytes[index] == UInt8(ascii: character) else {
        throw fail("expected '\(character)'")
      }
      index += 1
    }

    mutating func literal(_ word: String) throws(ParseError) {
      let expected = Array(word.utf8)
      guard bytes.count - index >= expected.count, Array(bytes[index..<(index + expected.count)]) == expected
      else { throw fail("invalid literal") }
      index += expected.count
    }

    /// A number as JSON writes it: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    mutating func number() throws(ParseError) -> String {
      let start = index
      func digits(_ parser: inout Parser) -> Int {
        let from = parser.index
        while parser.index < parser.bytes.count, (0x30...0x39).contains(parser.bytes[parser.index]) {
          parser.index += 1
        }
        return parser.index - from
      }
      if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
      let integerStart = index
      let integerDigits = digits(&self)
      guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else {
        index = start
        throw fail("invalid value")
      }
      if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
        index += 1
        guard digits(&self) > 0 else { throw fail("invalid number") }
      }
      if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
        index += 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
          index += 1
        }
        guard digits(&self) > 0 else { throw fail("invalid number") }
      }
      return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// A string with its escapes decoded; raw control characters and invalid UTF-8 are refused.
    mutating func string() throws(ParseError) -> String {
      index += 1
      var scalars = String.UnicodeScalarView()
      var run: [UInt8] = []
      func flush(_ run: inout [UInt8], into scalars: inout String.UnicodeScalarView) -> Bool {
        guard !run.isEmpty else { return true }
        guard let text = String(validating: run, as: UTF8.self) else { return false }
        scalars.append(contentsOf: text.unicodeScalars)
        run.removeAll(keepingCapacity: true)
        return true
      }
      while index < bytes.count {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\"") {
          guard flush(&run, into: &scalars) else { throw fail("a string is not valid UTF-8") }
          index += 1
          return String(scalars)
        }
        if byte < 0x20 { throw fail("a control character inside a string") }
        if byte != UInt8(ascii: "\\") {
          run.append(byte)
          index += 1
          continue
        }
        guard flush(&run, into: &scalars) else { throw fail("a string is not valid UTF-8") }
        index += 1
        guard index < bytes.count else { break }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""): scalars.append("\"")
        case UInt8(ascii: "\\"): scalars.append("\\")
        case UInt8(ascii: "/"): scalars.append("/")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "u"):
          var code = try hex4()
          if (0xD800..<0xDC00).contains(code) {
            guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw fail("an unpaired surrogate in a string") }
            index += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw fail("an unpaired surrogate in a string") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let scalar = Unicode.Scalar(code) else { throw fail("an unpaired surrogate in a string") }
          scalars.append(scalar)
        default: throw fail("an invalid escape in a string")
        }
      }
      throw fail("an unterminated string")
    }

    mutating func hex4() throws(ParseError) -> UInt32 {
      guard bytes.count - index >= 4,
        bytes[index..<(index + 4)].allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }),
        let code = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
      else { throw fail("an invalid \\u escape") }
      index += 4
      return code
    }
  }
}
