import CostModel
import X3DModel

/// A sweep's definition: a list of values per model flag, evaluated as their Cartesian product.
///
/// An absent flag is not an axis (the request leaves it unset, so the usual precedence applies:
/// explicit > γ > preset > X2D). Configurations are numbered in a fixed mixed-radix order (presets slowest, then
/// implementations, then the flags in ``axisOrder``, the last flag fastest), so a sweep can be resumed from
/// an index and split across threads. Every value goes through ``ModelRequest/resolve()``, so γ and factors follow
/// the same rounding rule as the command-line flags and the search (canonical decimals, then frames and crops).
public struct SweepPlan: Hashable, Sendable {
  /// Presets to start from; empty: X2D.
  public var presets: [Preset] = []
  public var implementations: [ImplementationVariant] = [.paper]
  /// Values per flag. Integer flags (frames, crop, test crop, classes, batch) hold whole numbers.
  public var values: [Parameter: [Double]] = [:]
  public var elementType: ElementType = .f32
  /// Also store one row per node of every configuration.
  public var perLayer = false

  public init() {}

  /// Flags in enumeration order, slowest first: ``Parameter`` order with the two depth flags moved last, so
  /// configurations that differ only in depth are neighbours (a memoising evaluator prices their shared blocks once).
  public static let axisOrder: [Parameter] =
    Parameter.allCases.filter { $0 != .gammaD && $0 != .depthFactor } + [.gammaD, .depthFactor]

  /// The flags that take integers.
  public static let integerParameters: Set<Parameter> = [
    .frames, .crop, .testCrop, .classes, .batch,
  ]

  /// Axes in enumeration order, slowest first, as value counts.
  private var radices: [Int] {
    [max(presets.count, 1), implementations.count]
      + Self.axisOrder.compactMap { values[$0]?.count }
  }

  /// Number of configurations, or nil when the product does not fit in an `Int`.
  public var count: Int? {
    var total = 1
    for radix in radices {
      let (product, overflow) = total.multipliedReportingOverflow(by: radix)
      if overflow { return nil }
      total = product
    }
    return total
  }

  /// The request for configuration `index` (0 ..< count).
  public func request(at index: Int) -> ModelRequest { Enumerator(self).request(at: index) }

  /// Decodes plan indices into requests, with the axes laid out once (no dictionary lookups per request).
  public struct Enumerator: Sendable {
    private let presets: [Preset]
    private let implementations: [ImplementationVariant]
    /// Flags in enumeration order, fastest first.
    private let axes: [(Parameter, [Double])]

    public init(_ plan: SweepPlan) {
      presets = plan.presets
      implementations = plan.implementations
      // Factors are made canonical once here, so resolving a request need not round them again.
      axes = SweepPlan.axisOrder.reversed().compactMap { parameter in
        plan.values[parameter].map { (parameter, $0.map { CanonicalDecimal.rounded($0) }) }
      }
    }

    public func request(at index: Int) -> ModelRequest {
      var remainder = index
      var request = ModelRequest()
      for (parameter, list) in axes {
        request.set(parameter, list[remainder % list.count])
        remainder /= list.count
      }
      request.implementation = implementations[remainder % implementations.count]
      remainder /= implementations.count
      if !presets.isEmpty { request.preset = presets[remainder % presets.count] }
      request.factorsAreCanonical = true
      return request
    }
  }

  /// A canonical one-line description, stored with the sweep; resuming requires the same definition. Factors are
  /// written as the canonical decimals ``ModelRequest/resolve()`` computes with.
  public var definition: String {
    var parts: [String] = []
    if !presets.isEmpty { parts.append("preset=" + presets.map(\.rawValue).joined(separator: ",")) }
    parts.append("impl=" + implementations.map(\.rawValue).joined(separator: ","))
    for parameter in Parameter.allCases {
      guard let list = values[parameter] else { continue }
      let integer = Self.integerParameters.contains(parameter)
      parts.append(
        parameter.rawValue + "="
          + list.map { integer ? String(Int($0)) : "\(CanonicalDecimal.rounded($0))" }.joined(separator: ","))
    }
    parts.append("dtype=\(elementType.rawValue)")
    if perLayer { parts.append("per-layer") }
    return parts.joined(separator: " ")
  }
}

extension ModelRequest {
  /// Sets one flag's value. Integer flags take whole numbers; one outside `Int` becomes `Int.max`, which
  /// ``resolve()`` then refuses with the flag's name.
  public mutating func set(_ parameter: Parameter, _ value: Double) {
    let integer = Int(exactly: value.rounded(.towardZero)) ?? Int.max
    switch parameter {
    case .gammaTau: gammaTau = value
    case .gammaT: gammaT = value
    case .gammaS: gammaS = value
    case .gammaW: gammaW = value
    case .gammaB: gammaB = value
    case .gammaD: gammaD = value
    case .frames: frames = integer
    case .crop: crop = integer
    case .testCrop: testCrop = integer
    case .widthFactor: widthFactor = value
    case .depthFactor: depthFactor = value
    case .bottleneckFactor: bottleneckFactor = value
    case .classes: classes = integer
    case .batch: batch = integer
    }
  }
}
