import ArgumentParser
import CostModel
import X3DModel

extension Preset: ExpressibleByArgument {}
extension ImplementationVariant: ExpressibleByArgument {}
extension ElementType: ExpressibleByArgument {}
extension Convention: ExpressibleByArgument {}

/// The flags that name a model, shared by every subcommand. Precedence: explicit > γ > preset > X2D.
struct ModelOptions: ParsableArguments {
  @Option(help: "A published model: \(Preset.allCases.map(\.rawValue).joined(separator: ", ")).")
  var preset: Preset?

  @Option(
    name: .customLong("gamma-tau"), parsing: .unconditional,
    help: "γτ: frame-rate factor; sampling rate = γτ (no cost effect).")
  var gammaTau: Double?
  @Option(name: .customLong("gamma-t"), parsing: .unconditional, help: "γt: frames = γt rounded, at least 1.")
  var gammaT: Double?
  @Option(name: .customLong("gamma-s"), parsing: .unconditional, help: "γs: crop = 112·γs rounded to a multiple of 8.")
  var gammaS: Double?
  @Option(name: .customLong("gamma-w"), parsing: .unconditional, help: "γw: width factor = 2·γw.")
  var gammaW: Double?
  @Option(name: .customLong("gamma-b"), parsing: .unconditional, help: "γb: bottleneck factor.")
  var gammaB: Double?
  @Option(name: .customLong("gamma-d"), parsing: .unconditional, help: "γd: depth factor.")
  var gammaD: Double?

  @Option(parsing: .unconditional, help: "Frames T (DATA.NUM_FRAMES).") var frames: Int?
  @Option(parsing: .unconditional, help: "Train crop S (DATA.TRAIN_CROP_SIZE); sizes the head pool.") var crop: Int?
  @Option(
    parsing: .unconditional, help: "Run at this crop, head pool still sized from the train crop (multi-view testing).")
  var testCrop: Int?
  @Option(parsing: .unconditional, help: "X3D.WIDTH_FACTOR (X2D: 2).") var widthFactor: Double?
  @Option(parsing: .unconditional, help: "X3D.DEPTH_FACTOR.") var depthFactor: Double?
  @Option(parsing: .unconditional, help: "X3D.BOTTLENECK_FACTOR.") var bottleneckFactor: Double?
  @Option(parsing: .unconditional, help: "Classes K (default 400).") var classes: Int?
  @Option(parsing: .unconditional, help: "Batch size N (default 1).") var batch: Int?

  @Option(name: .customLong("impl"), help: "paper (SlowFast 2020), slowfast (since June 2021) or pytorchvideo.")
  var implementation: ImplementationVariant = .paper

  /// Refuses a number that is not positive here, with the flag and the value, before a model is built. The
  /// options parse `.unconditional`ly so that `--frames -1` reaches this check instead of reading `-1` as a flag.
  func validate() throws {
    for (flag, value) in [
      ("--frames", frames), ("--crop", crop), ("--test-crop", testCrop), ("--classes", classes), ("--batch", batch),
    ] {
      if let value { try FlagBounds.positive(value, flag) }
    }
    for (flag, value) in [
      ("--gamma-tau", gammaTau), ("--gamma-t", gammaT), ("--gamma-s", gammaS), ("--gamma-w", gammaW),
      ("--gamma-b", gammaB), ("--gamma-d", gammaD), ("--width-factor", widthFactor), ("--depth-factor", depthFactor),
      ("--bottleneck-factor", bottleneckFactor),
    ] {
      if let value { try FlagBounds.positive(value, flag) }
    }
  }

  /// The request these flags make.
  var request: ModelRequest {
    var request = ModelRequest(preset: preset, implementation: implementation)
    request.gammaTau = gammaTau
    request.gammaT = gammaT
    request.gammaS = gammaS
    request.gammaW = gammaW
    request.gammaB = gammaB
    request.gammaD = gammaD
    request.frames = frames
    request.crop = crop
    request.testCrop = testCrop
    request.widthFactor = widthFactor
    request.depthFactor = depthFactor
    request.bottleneckFactor = bottleneckFactor
    request.classes = classes
    request.batch = batch
    return request
  }

  func resolve() throws -> ModelConfiguration { try request.resolve() }
}
