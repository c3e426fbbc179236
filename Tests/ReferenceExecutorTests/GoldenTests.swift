import Foundation
import ReferenceExecutor
import TestSupport
import Testing
import X3DModel

/// The manifest written by tools/gen_executor_fixtures.py.
struct GoldenManifest: Decodable {
  struct Case: Decodable, CustomTestStringConvertible, Sendable {
    var name: String
    var frames: Int
    var crop: Int
    var test_crop: Int?
    var width_factor: Double
    var depth_factor: Double
    var bottleneck_factor: Double
    var classes: Int
    var batch: Int
    var naming: String

    var testDescription: String { name }

    func configuration() throws -> ModelConfiguration {
      try ModelConfiguration(
        frames: frames, crop: crop, testCrop: test_crop, widthFactor: width_factor, depthFactor: depth_factor,
        bottleneckFactor: bottleneck_factor, classes: classes, batch: batch, implementation: .pytorchvideo)
    }

    var directory: URL { Fixtures.directory.appendingPathComponent("executor").appendingPathComponent(name) }
  }

  var format: String
  var version: Int
  var regenerate: String
  var cases: [Case]

  static let supportedVersion = 1

  static func load() throws -> GoldenManifest {
    let manifest = try Fixtures.load("executor/cases.json", as: GoldenManifest.self)
    guard manifest.format == "x3d-executor-golden", manifest.version == supportedVersion else {
      throw GoldenError(
        "executor fixtures are \(manifest.format) v\(manifest.version), expected v\(supportedVersion); "
          + "regenerate with: \(manifest.regenerate)")
    }
    return manifest
  }

  static var cases: [Case] { (try? load().cases) ?? [] }
}

struct GoldenError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// Runs pytorchvideo's golden forward passes (tools/gen_executor_fixtures.py) and compares every element of the
/// stem, every stage's last block, the head and the output.
@Suite("Golden forward passes from PyTorch")
struct GoldenTests {
  @Test("fixtures exist and are versioned")
  func manifest() throws {
    let manifest = try GoldenManifest.load()
    #expect(manifest.cases.count >= 5)
  }

  @Test("reference backend matches pytorchvideo", arguments: GoldenManifest.cases)
  func reference(_ golden: GoldenManifest.Case) throws {
    try check(golden, backend: ReferenceBackend())
  }

  @Test("fast backend matches pytorchvideo", arguments: GoldenManifest.cases)
  func fast(_ golden: GoldenManifest.Case) throws {
    try check(golden, backend: FastBackend(threads: 2))
  }

  func check(_ golden: GoldenManifest.Case, backend: any ExecutionBackend) throws {
    let regenerate = try GoldenManifest.load().regenerate
    let graph = try LayerGraph(try golden.configuration())
    let weights = try ModelWeights.load(graph, from: golden.directory.appendingPathComponent("weights.safetensors"))
    #expect(weights.naming?.rawValue == golden.naming)
    let clip = try NumPyArray.readTensor(
      golden.directory.appendingPathComponent("input.npy"), expected: graph.input.outputShape)
    let expected = try SafeTensorsFile(contentsOf: golden.directory.appendingPathComponent("golden.safetensors"))
    #expect(expected.metadata["format"] == "x3d-executor-golden")
    #expect(expected.metadata["version"] == String(GoldenManifest.supportedVersion))

    var observed: [String: Tensor] = [:]
    let execution = try Executor(graph: graph, weights: weights, backend: backend).run(clip) { node, output in
      if expected.entries[node.path.description] != nil { observed[node.path.description] = output }
    }
    if let logits = execution.logits { observed["logits"] = logits }
    #expect(Set(observed.keys) == Set(expected.entries.keys), "tensors compared")
    for name in expected.entries.keys.sorted() {
      let entry = expected.entries[name]!
      guard let tensor = observed[name], let values = expected.floats(name) else { continue }
      #expect(tensor.shape.dimensions == entry.shape, "\(name) shape")
      let comparison = FloatComparison(
        "\(golden.name) \(name) [\(backend.kind)]", observed: tensor.scalars, expected: values)
      #expect(comparison.passes, "\(comparison)\nregenerate the fixtures with: \(regenerate)")
    }
  }
}
