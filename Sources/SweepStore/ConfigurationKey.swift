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

/// Writes ``ConfigurationKey/make(_:)``'s text into one reused buffer, with the decimal text of each factor value
/// kept once it is written: a sweep's factors take few values, and formatting them for every row was a tenth of a
/// large sweep's evaluating time. One writer per evaluating thread.
struct ConfigurationKeyWriter {
  private var buffer: [UInt8] = []
  private var factors: [UInt64: [UInt8]] = [:]

  init() { buffer.reserveCapacity(128) }

  mutating func key(_ c: ModelConfiguration) -> String {
    buffer.removeAll(keepingCapacity: true)
    buffer.append(contentsOf: c.implementation.rawValue.utf8)
    append("|T")
    append(c.frames)
    append("|S")
    append(c.crop)
    append("|St")
    append(c.evaluatedCrop)
    append("|w")
    append(factor: c.widthFactor)
    append("|d")
    append(factor: c.depthFactor)
    append("|b")
    append(factor: c.bottleneckFactor)
    append("|tau")
    append(factor: c.samplingRate)
    append("|K")
    append(c.classes)
    append("|N")
    append(c.batch)
    return String(decoding: buffer, as: UTF8.self)
  }

  private mutating func append(_ text: StaticString) {
    buffer.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  /// Decimal digits, as `String(value)` writes them.
  private mutating func append(_ value: Int) {
    if value < 0 { buffer.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    let start = buffer.count
    repeat {
      buffer.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
      magnitude /= 10
    } while magnitude > 0
    buffer[start...].reverse()
  }

  /// The value's `description` (the shortest text that reads back as the same `Double`).
  private mutating func append(factor value: Double) {
    if let text = factors[value.bitPattern] {
      buffer.append(contentsOf: text)
      return
    }
    if factors.count >= 4096 { factors.removeAll(keepingCapacity: true) }
    let text = Array(value.description.utf8)
    factors[value.bitPattern] = text
    buffer.append(contentsOf: text)
  }
}
