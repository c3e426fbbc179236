import X3DModel

/// Scores are cached per configuration, under the store's configuration key, so a search, a sweep and imported
/// measurements all name a model the same way.
enum CandidateKey {
  static func make(_ c: ModelConfiguration) -> String {
    "\(c.implementation.rawValue)|T\(c.frames)|S\(c.crop)|St\(c.evaluatedCrop)|w\(c.widthFactor)|d\(c.depthFactor)"
      + "|b\(c.bottleneckFactor)|tau\(c.samplingRate)|K\(c.classes)|N\(c.batch)"
  }
}
