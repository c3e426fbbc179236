/// The manifest a fixture script writes (tools/gen_*.py): its format and version, the command that regenerates it,
/// and its cases.
public struct FixtureManifest<Case: Decodable & Sendable>: Decodable, Sendable {
  public var format: String
  public var version: Int
  public var regenerate: String
  public var cases: [Case]

  /// Reads `path` (under Tests/Fixtures); the error says how to regenerate a manifest of another format or version.
  public static func load(_ path: String, format expected: String, version: Int) throws -> Self {
    let manifest = try Fixtures.load(path, as: Self.self)
    guard manifest.format == expected, manifest.version == version else {
      throw FixtureError(
        message: "\(path) holds \(manifest.format) v\(manifest.version), expected \(expected) v\(version); "
          + "regenerate with: \(manifest.regenerate)")
    }
    return manifest
  }
}
