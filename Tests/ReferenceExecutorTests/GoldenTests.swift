import Foundation
import ReferenceExecutor
import TestSupport
import Testing
import X3DModel

/// The manifest written by tools/gen_executor_fixtures.py.
enum GoldenManifest {
  struct Case: Decodable, CustomTestStringConvertible, Sendable {
    var name: String
    var model: GoldenModel
    var naming: String

    init(from decoder: any Decoder) throws {
      let keys = try decoder.container(keyedBy: CodingKeys.self)
      name = try keys.decode(String.self, forKey: .name)
      naming = try keys.decode(String.self, forKey: .naming)
      model = try GoldenModel(from: decoder)
    }

    enum CodingKeys: String, CodingKey { case name, naming }

    var testDescription: String { name }
    func configuration() throws -> ModelConfiguration { try model.configuration() }
    var directory: URL { Fixtures.directory.appendingPathComponent("executor").appendingPathComponent(name) }
  }

  static let format = "x3d-executor-golden"
  static let supportedVersion = 1

  static func load() throws -> FixtureManifest<Case> {
    try .load("executor/cases.json", format: format, version: supportedVersion)
  }

  static var cases: [Case] { (try? load().cases) ?? [] }
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
    #expect(expected.metadata["format"] == GoldenManifest.format)
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
