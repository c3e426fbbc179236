/// A configuration written the ways users paste it: γ flags, a SlowFast config snippet and pytorchvideo arguments.
extension ModelConfiguration {
  /// `--gamma-tau 5 --gamma-t 16 --gamma-s 2 --gamma-w 1 --gamma-b 2.25 --gamma-d 2.2` (canonical decimals, at most 6 significant digits).
  public var gammaFlags: String {
    let g = gammas
    return [
      ("gamma-tau", g.gammaTau), ("gamma-t", g.gammaT), ("gamma-s", g.gammaS), ("gamma-w", g.gammaW),
      ("gamma-b", g.gammaB), ("gamma-d", g.gammaD),
    ].map { "--\($0.0) \(Self.decimal($0.1))" }.joined(separator: " ")
  }

  /// The `DATA`, `X3D` and `MODEL` sections of a SlowFast YAML config. `SAMPLING_RATE` is an integer there: γτ is
  /// rounded (at least 1) and the exact value is given in a comment when it differs.
  public var slowFastYAML: String {
    let rate = Swift.max(1, Int(samplingRate.rounded()))
    let rateNote = Double(rate) == samplingRate ? "" : "  # γτ = \(Self.decimal(samplingRate)), rounded"
    return """
      DATA:
        NUM_FRAMES: \(frames)
        SAMPLING_RATE: \(rate)\(rateNote)
        TRAIN_CROP_SIZE: \(crop)
        TEST_CROP_SIZE: \(evaluatedCrop)
      X3D:
        WIDTH_FACTOR: \(Self.decimal(widthFactor, minimumFraction: true))
        DEPTH_FACTOR: \(Self.decimal(depthFactor, minimumFraction: true))
        BOTTLENECK_FACTOR: \(Self.decimal(bottleneckFactor, minimumFraction: true))
        DIM_C1: 12
        DIM_C5: 2048
        SCALE_RES2: False
        CHANNELWISE_3x3x3: True
      MODEL:
        ARCH: x3d
        MODEL_NAME: X3D
        NUM_CLASSES: \(classes)

      """
  }

  /// `create_x3d(...)` keyword arguments for pytorchvideo.
  public var pytorchvideoArguments: String {
    "create_x3d(input_clip_length=\(frames), input_crop_size=\(crop), model_num_class=\(classes), "
      + "width_factor=\(Self.decimal(widthFactor, minimumFraction: true)), "
      + "depth_factor=\(Self.decimal(depthFactor, minimumFraction: true)), "
      + "bottleneck_factor=\(Self.decimal(bottleneckFactor, minimumFraction: true)))"
  }

  /// The canonical decimal (``CanonicalDecimal``): what was computed with, trailing zeros dropped (`2.0` → `2`, or
  /// `2.0` with `minimumFraction`).
  static func decimal(_ value: Double, minimumFraction: Bool = false) -> String {
    CanonicalDecimal.text(value, minimumFraction: minimumFraction)
  }
}
