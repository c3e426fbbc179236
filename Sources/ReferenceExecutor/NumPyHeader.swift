import Foundation

/// The header of a `.npy` file: a Python dict literal with exactly the keys `descr`, `fortran_order` and `shape`,
/// e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 4), }`.
///
/// Parsed strictly: a missing, extra or repeated key is refused (NumPy's own reader refuses the first two, and a
/// repeated key would make the array's meaning depend on which one a reader keeps), as is a shape that is not a
/// tuple of non-negative integers or whose element count does not fit in `Int`.
struct NumPyHeader: Equatable {
  var descr: Literal
  var fortranOrder: Bool
  var shape: [Int]
  /// The product of `shape` (1 for a scalar).
  var elementCount: Int

  /// A Python literal as `.npy` headers use them.
  indirect enum Literal: Equatable {
    case string(String)
    case bool(Bool)
    case none
    /// An integer's digits, sign included (`-3`; Python 2's `3L` is read as `3`).
    case integer(String)
    case sequence([Literal])
  }

  static let keys = ["descr", "fortran_order", "shape"]

  static func parse(_ text: String, fail: (String) -> ExecutorError) throws(ExecutorError) -> NumPyHeader {
    var scanner = Scanner(characters: Array(text.unicodeScalars))
    var fields: [String: Literal] = [:]
    guard let entries = scanner.dictionary() else {
      throw fail("the header is not a Python dict literal: \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    for (key, value) in entries {
      guard keys.contains(key) else {
        throw fail("unexpected key '\(key)' in the header (a .npy header has exactly descr, fortran_order and shape)")
      }
      guard fields.updateValue(value, forKey: key) == nil else { throw fail("duplicate key '\(key)' in the header") }
    }
    for key in keys where fields[key] == nil {
      throw fail("header has no '\(key)': \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    guard case .bool(let fortranOrder) = fields["fortran_order"]! else {
      throw fail("fortran_order is not True or False")
    }
    guard case .sequence(let items) = fields["shape"]! else { throw fail("shape is not a tuple of integers") }
    var shape: [Int] = []
    for item in items {
      guard case .integer(let digits) = item, let extent = Int(digits) else {
        throw fail("shape is not a tuple of integers that fit in 64 bits")
      }
      shape.append(extent)
    }
    if let negative = shape.first(where: { $0 < 0 }) {
      throw fail("shape \(shape) has a negative extent \(negative)")
    }
    var count = 1
    for extent in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: extent)
      guard !overflow else { throw fail("shape \(shape) has more elements than fit in 64 bits") }
      count = product
    }
    return NumPyHeader(descr: fields["descr"]!, fortranOrder: fortranOrder, shape: shape, elementCount: count)
  }

  /// A recursive-descent reader of the literal subset above; nil where the text leaves it.
  private struct Scanner {
    let characters: [Unicode.Scalar]
    var index = 0

    mutating func skipSpace() {
      while index < characters.count, characters[index].properties.isWhitespace { index += 1 }
    }

    mutating func take(_ character: Unicode.Scalar) -> Bool {
      skipSpace()
      guard index < characters.count, characters[index] == character else { return false }
      index += 1
      return true
    }

    /// `{ key: value, … }` with an optional trailing comma, then nothing but whitespace.
    mutating func dictionary() -> [(String, Literal)]? {
      guard take("{") else { return nil }
      var entries: [(String, Literal)] = []
      while !take("}") {
        guard case .string(let key)? = literal(depth: 1), take(":"), let value = literal(depth: 1) else { return nil }
        entries.append((key, value))
        if take("}") { break }
        guard take(",") else { return nil }
      }
      skipSpace()
      return index == characters.count ? entries : nil
    }

    mutating func literal(depth: Int) -> Literal? {
      skipSpace()
      guard index < characters.count, depth < 32 else { return nil }
      let first = characters[index]
      if first == "'" || first == "\"" {
        index += 1
        var text = String.UnicodeScalarView()
        while index < characters.count, characters[index] != first {
          if characters[index] == "\\" { return nil }
          text.append(characters[index])
          index += 1
        }
        guard index < characters.count else { return nil }
        index += 1
        return .string(String(text))
      }
      if first == "(" || first == "[" {
        let close: Unicode.Scalar = first == "(" ? ")" : "]"
        index += 1
        var items: [Literal] = []
        while !take(close) {
          guard let item = literal(depth: depth + 1) else { return nil }
          items.append(item)
          if take(close) { break }
          guard take(",") else { return nil }
        }
        return .sequence(items)
      }
      var word = ""
      while index < characters.count,
        characters[index].properties.isAlphabetic
          || "0123456789-+".unicodeScalars
            .contains(characters[index])
      {
        word.unicodeScalars.append(characters[index])
        index += 1
      }
      switch word {
      case "True": return .bool(true)
      case "False": return .bool(false)
      case "None": return Literal.none
      default:
        let digits = word.hasSuffix("L") ? String(word.dropLast()) : word
        let body = digits.hasPrefix("-") || digits.hasPrefix("+") ? digits.dropFirst() : Substring(digits)
        guard !body.isEmpty, body.allSatisfy(\.isASCII), body.allSatisfy(\.isNumber) else { return nil }
        return .integer(digits)
      }
    }
  }
}
