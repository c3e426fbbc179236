import SweepStore
import X3DModel

/// Scores are cached per configuration, under the store's configuration key, so a search, a sweep and imported
/// measurements all name a model the same way.
enum CandidateKey {
  static func make(_ configuration: ModelConfiguration) -> String { ConfigurationKey.make(configuration) }
}
