import X3DModel

/// One of the paper's six expansion axes and how a factor `f > 1` expands it.
///
/// - `frameRate` (X-Fast): more frames over the same duration: `γt·f` frames sampled with stride `γτ/f`.
/// - `frames` (X-Temporal): more frames at the same frame rate, so a longer clip: `γt·f`.
/// - `spatial`: `γs·f` (crop = 112·γs, multiple of 8). `width`: `γw·f`. `bottleneck`: `γb·f`. `depth`: `γd·f`.
///
/// Frame rate and frames cost the same; they differ in what the clip covers, which only a criterion sees. The
/// declaration order is the tie-break order of a step: on equal scores `frames` wins over `frameRate`, so a
/// criterion blind to sampling (a proxy) does not drive the sampling stride below one frame.
public enum ExpansionAxis: String, CaseIterable, Sendable, Codable, Comparable {
  case frames = "t", frameRate = "tau", spatial = "s", width = "w", bottleneck = "b", depth = "d"

  /// Accepts `t`, `gamma-t`, `γt` and `frames` (likewise for the others).
  public init(parsing name: String) throws(SearchError) {
    let lowered = name.lowercased()
    for axis in Self.allCases where axis.names.contains(lowered) {
      self = axis
      return
    }
    throw .unknownAxis(name)
  }

  /// Every spelling accepted for this axis.
  public var names: [String] {
    let long: String
    switch self {
    case .frameRate: long = "frame-rate"
    case .frames: long = "frames"
    case .spatial: long = "spatial"
    case .width: long = "width"
    case .bottleneck: long = "bottleneck"
    case .depth: long = "depth"
    }
    return [rawValue, "gamma-" + rawValue, "γ" + rawValue, long]
  }

  /// The factor's symbol: `γτ`, `γt`, …
  public var symbol: String { self == .frameRate ? "γτ" : "γ" + rawValue }

  /// `vector` with this axis expanded by `factor`.
  public func expand(_ vector: ExpansionVector, by factor: Double) -> ExpansionVector {
    var v = vector
    switch self {
    case .frameRate:
      v.gammaT *= factor
      v.gammaTau /= factor
    case .frames: v.gammaT *= factor
    case .spatial: v.gammaS *= factor
    case .width: v.gammaW *= factor
    case .bottleneck: v.gammaB *= factor
    case .depth: v.gammaD *= factor
    }
    return v
  }

  public static func < (lhs: Self, rhs: Self) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}
