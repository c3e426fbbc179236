import X3DModel

/// One configuration (and, for a measured metric, one dataset) as a point of a trade-off curve.
public struct PlotPoint: Hashable, Sendable {
  public var configKey: String
  public var x: Double
  public var y: Double
  /// The dataset a measured coordinate came from.
  public var dataset: String?
  /// The preset whose architecture this configuration is (frames, crops, factors, classes, batch), if any,
  /// whatever the sampling rate or implementation.
  public var preset: Preset?
  /// `16×224² w2.0 d2.2 b2.25`.
  public var label: String

  /// `X3D-M`, `X2D`.
  public static func displayName(_ preset: Preset) -> String {
    preset == .x2d ? "X2D" : "X3D-" + preset.rawValue.uppercased()
  }

  public init(
    configKey: String, x: Double, y: Double, dataset: String?, preset: Preset?, label: String
  ) {
    self.configKey = configKey
    self.x = x
    self.y = y
    self.dataset = dataset
    self.preset = preset
    self.label = label
  }
}
