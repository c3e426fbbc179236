import Foundation
import TestSupport
import X3DModel

/// The manifest a golden-fixture script writes (tools/gen_executor_fixtures.py, tools/gen_training_fixtures.py):
/// its format and version, the command that regenerates it, and its cases.
struct GoldenFixtureManifest<Case: Decodable & Sendable>: Decodable {
  var format: String
  var version: Int
  var regenerate: String
  var cases: [Case]

  /// Reads `path` (under Tests/Fixtures); the error says how to regenerate a manifest of another format or version.
  static func load(_ path: String, format expected: String, version: Int) throws -> Self {
    let manifest = try Fixtures.load(path, as: Self.self)
    guard manifest.format == expected, manifest.version == version else {
      throw GoldenError(
        "\(path) holds \(manifest.format) v\(manifest.version), expected \(expected) v\(version); "
          + "regenerate with: \(manifest.regenerate)")
    }
    return manifest
  }
}

/// The pytorchvideo model a golden case was made from: the keys both fixture scripts write for every case.
struct GoldenModel: Decodable, Sendable {
  var frames: Int
  var crop: Int
  var test_crop: Int?
  var width_factor: Double
  var depth_factor: Double
  var bottleneck_factor: Double
  var classes: Int
  var batch: Int

  func configuration() throws -> ModelConfiguration {
    try ModelConfiguration(
      frames: frames, crop: crop, testCrop: test_crop, widthFactor: width_factor, depthFactor: depth_factor,
      bottleneckFactor: bottleneck_factor, classes: classes, batch: batch, implementation: .pytorchvideo)
  }
}

struct GoldenError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
