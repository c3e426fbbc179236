import ArgumentParser
import CostModel
import Foundation
import SweepStore
import X3DModel

/// The model flags of `sweep`, each taking a list (`1,2,4`) or an inclusive range (`1:3:0.2`). Same names and
/// precedence as the single-valued flags of `cost` (explicit > γ > preset > X2D).
struct SweepOptions: ParsableArguments {
  @Option(
    help:
      "Presets to start from, a list: \(Preset.allCases.map(\.rawValue).joined(separator: ",")).")
  var preset: String?

  @Option(name: .customLong("gamma-tau"), parsing: .unconditional, help: "γτ values (sampling rate; no cost effect).")
  var gammaTau: String?
  @Option(name: .customLong("gamma-t"), parsing: .unconditional, help: "γt values: frames = γt rounded.") var gammaT:
    String?
  @Option(name: .customLong("gamma-s"), parsing: .unconditional, help: "γs values: crop = 112·γs rounded to 8.")
  var gammaS: String?
  @Option(name: .customLong("gamma-w"), parsing: .unconditional, help: "γw values: width factor = 2·γw.") var gammaW:
    String?
  @Option(name: .customLong("gamma-b"), parsing: .unconditional, help: "γb values: bottleneck factor.") var gammaB:
    String?
  @Option(name: .customLong("gamma-d"), parsing: .unconditional, help: "γd values: depth factor.") var gammaD: String?

  @Option(parsing: .unconditional, help: "Frames T, e.g. 4,8,16 or 1:32.") var frames: String?
  @Option(parsing: .unconditional, help: "Train crops S, e.g. 160:224:16.") var crop: String?
  @Option(parsing: .unconditional, help: "Test crops (the head pool stays sized by the train crop).") var testCrop:
    String?
  @Option(parsing: .unconditional, help: "X3D.WIDTH_FACTOR values.") var widthFactor: String?
  @Option(parsing: .unconditional, help: "X3D.DEPTH_FACTOR values.") var depthFactor: String?
  @Option(parsing: .unconditional, help: "X3D.BOTTLENECK_FACTOR values.") var bottleneckFactor: String?
  @Option(parsing: .unconditional, help: "Classes K.") var classes: String?
  @Option(parsing: .unconditional, help: "Batch sizes N.") var batch: String?

  @Option(
    name: .customLong("impl"), help: "Implementations, a list: paper, slowfast, pytorchvideo.")
  var implementation: String?

  /// The flags as typed, in ``Parameter`` order.
  private var flagValues: [(Parameter, String?)] {
    [
      (.gammaTau, gammaTau), (.gammaT, gammaT), (.gammaS, gammaS), (.gammaW, gammaW),
      (.gammaB, gammaB),
      (.gammaD, gammaD), (.frames, frames), (.crop, crop), (.testCrop, testCrop),
      (.widthFactor, widthFactor),
      (.depthFactor, depthFactor), (.bottleneckFactor, bottleneckFactor), (.classes, classes),
      (.batch, batch),
    ]
  }

  /// Whether any model flag was given.
  var isEmpty: Bool {
    preset == nil && implementation == nil && flagValues.allSatisfy { $0.1 == nil }
  }

  /// The plan these flags describe.
  func plan(elementType: ElementType, perLayer: Bool) throws(UsageError) -> SweepPlan {
    var plan = SweepPlan()
    plan.elementType = elementType
    plan.perLayer = perLayer
    if let preset { plan.presets = try Self.names(preset, flag: "--preset", as: Preset.self) }
    if let implementation {
      plan.implementations = try Self.names(
        implementation, flag: "--impl", as: ImplementationVariant.self)
    }
    for (parameter, text) in flagValues {
      guard let text else { continue }
      plan.values[parameter] = try ValueList.parse(
        text, flag: parameter.flag, integer: SweepPlan.integerParameters.contains(parameter))
    }
    return plan
  }

  private static func names<T: RawRepresentable & CaseIterable>(
    _ text: String, flag: String, as: T.Type
  )
    throws(UsageError) -> [T] where T.RawValue == String
  {
    var result: [T] = []
    for item in text.split(separator: ",", omittingEmptySubsequences: false) {
      let name = item.trimmingCharacters(in: .whitespaces).lowercased()
      guard let value = T(rawValue: name) else {
        let known = T.allCases.map(\.rawValue).joined(separator: ", ")
        throw UsageError("\(flag): '\(item)' is not one of \(known)")
      }
      if !result.contains(where: { $0.rawValue == value.rawValue }) { result.append(value) }
    }
    return result
  }
}
