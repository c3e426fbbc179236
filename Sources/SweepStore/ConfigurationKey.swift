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
