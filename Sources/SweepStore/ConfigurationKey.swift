import X3DModel

/// The identity of a configuration across sweeps and datasets: every resolved hyperparameter that changes the
/// network or its training recipe, in one canonical string.
///
/// `paper|T16|S224|St224|w2.0|d2.2|b2.25|tau5.0|K400|N1` (implementation, frames, train crop, evaluated crop, width,
/// depth and bottleneck factors, sampling rate γτ, classes, batch). The γ factors a configuration was *asked* with
/// are not part of it: `--gamma-t 1.9` and `--gamma-t 2.1` both resolve to 2 frames, one configuration.
/// A configuration is unique within a sweep (`UNIQUE (sweep_id, key)`), and measurements attach to keys, so a
/// measured accuracy shows up in every sweep that contains the configuration.
public enum ConfigurationKey {
  public static func make(_ c: ModelConfiguration) -> String {
    "\(c.implementation.rawValue)|T\(c.frames)|S\(c.crop)|St\(c.evaluatedCrop)|w\(c.widthFactor)|d\(c.depthFactor)"
      + "|b\(c.bottleneckFactor)|tau\(c.samplingRate)|K\(c.classes)|N\(c.batch)"
  }
}

/// Writes ``ConfigurationKey/make(_:)``'s text straight into the string's storage, with the decimal text of recent
/// factor values kept in a small direct-mapped table: a sweep's factors take few values, and formatting them and
/// growing the string for every row was a tenth of a large sweep's evaluating time. One writer per evaluating thread.
struct ConfigurationKeyWriter {
  /// Factor texts by bit pattern; a slot holds the last value that hashed to it.
  private var factors = [(bits: UInt64, text: [UInt8])?](repeating: nil, count: 256)

  init() {}

  mutating func key(_ c: ModelConfiguration) -> String {
    let width = text(c.widthFactor)
    let depth = text(c.depthFactor)
    let bottleneck = text(c.bottleneckFactor)
    let tau = text(c.samplingRate)
    let implementation = c.implementation.rawValue
    // Four factors, five integers (at most 20 characters each) and 22 characters of labels.
    let capacity = implementation.utf8.count + width.count + depth.count + bottleneck.count + tau.count + 5 * 20 + 22
    return String(unsafeUninitializedCapacity: capacity) { storage in
      var out = Cursor(base: storage.baseAddress!)
      for byte in implementation.utf8 { out.put(byte) }
      out.put("|T")
      out.put(c.frames)
      out.put("|S")
      out.put(c.crop)
      out.put("|St")
      out.put(c.evaluatedCrop)
      out.put("|w")
      out.put(width)
      out.put("|d")
      out.put(depth)
      out.put("|b")
      out.put(bottleneck)
      out.put("|tau")
      out.put(tau)
      out.put("|K")
      out.put(c.classes)
      out.put("|N")
      out.put(c.batch)
      return out.count
    }
  }

  /// The value's `description` (the shortest text that reads back as the same `Double`).
  private mutating func text(_ value: Double) -> [UInt8] {
    let bits = value.bitPattern
    let slot = Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> 56)
    if let known = factors[slot], known.bits == bits { return known.text }
    let text = Array(value.description.utf8)
    factors[slot] = (bits, text)
    return text
  }

  private struct Cursor {
    let base: UnsafeMutablePointer<UInt8>
    var count = 0

    mutating func put(_ byte: UInt8) {
      base[count] = byte
      count += 1
    }

    mutating func put(_ text: StaticString) {
      base.advanced(by: count).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
      count += text.utf8CodeUnitCount
    }

    mutating func put(_ bytes: [UInt8]) {
      bytes.withUnsafeBufferPointer { base.advanced(by: count).update(from: $0.baseAddress!, count: $0.count) }
      count += bytes.count
    }

    /// Decimal digits, as `String(value)` writes them.
    mutating func put(_ value: Int) {
      if value < 0 { put(UInt8(ascii: "-")) }
      var magnitude = value.magnitude
      var digits = 1
      var rest = magnitude / 10
      while rest > 0 {
        digits += 1
        rest /= 10
      }
      var position = count + digits - 1
      repeat {
        base[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
        position -= 1
      } while magnitude > 0
      count += digits
    }
  }
}
