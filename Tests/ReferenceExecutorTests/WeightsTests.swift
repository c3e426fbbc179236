import Foundation
import ReferenceExecutor
import TestSupport
import Testing
import X3DModel

@Suite("Weights: seeded initialisation and safetensors loading")
struct WeightsTests {
  static let configuration = try! ModelConfiguration(
    frames: 1, crop: 32, widthFactor: 1, depthFactor: 0.4, bottleneckFactor: 0.5, classes: 3,
    implementation: .pytorchvideo)

  func temporaryURL(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("x3d-exec-\(UUID().uuidString)-\(name)")
  }

  @Test("the same seed gives the same weights, another seed others")
  func seeded() throws {
    let graph = try LayerGraph(Self.configuration)
    let a = ModelWeights.seeded(graph, seed: 1)
    let b = ModelWeights.seeded(graph, seed: 1)
    let c = ModelWeights.seeded(graph, seed: 2)
    let conv = graph.nodes.first { $0.path.component == .a }!.index
    #expect(a.tensor(node: conv, .weight) == b.tensor(node: conv, .weight))
    #expect(a.tensor(node: conv, .weight) != c.tensor(node: conv, .weight))
    for slot in a.layout.slots { #expect(a.tensor(node: slot.node, slot.role)?.count == slot.elementCount) }
  }

  @Test("save and load round-trip under both naming schemes", arguments: WeightNaming.allCases)
  func roundTrip(_ naming: WeightNaming) throws {
    let graph = try LayerGraph(Self.configuration)
    let weights = ModelWeights.seeded(graph, seed: 5)
    let url = temporaryURL("w.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try weights.save(to: url, naming: naming)
    let loaded = try ModelWeights.load(graph, from: url)
    #expect(loaded.naming == naming)
    for slot in weights.layout.slots {
      #expect(loaded.tensor(node: slot.node, slot.role) == weights.tensor(node: slot.node, slot.role))
    }
  }

  @Test("names follow SlowFast and pytorchvideo")
  func names() throws {
    let layout = ParameterLayout(try LayerGraph(Self.configuration))
    let slowfast = Set(layout.slots.map { $0.name(.slowfast) })
    let pytorchvideo = Set(layout.slots.map { $0.name(.pytorchvideo) })
    for name in [
      "s1.pathway0_stem.conv_xy.weight", "s1.pathway0_stem.conv.weight", "s1.pathway0_stem.bn.running_var",
      "s2.pathway0_res0.branch1.weight", "s2.pathway0_res0.branch2.se.fc1.bias", "head.lin_5.weight",
      "head.projection.bias",
    ] { #expect(slowfast.contains(name), "\(name)") }
    for name in [
      "blocks.0.conv.conv_t.weight", "blocks.0.conv.conv_xy.weight", "blocks.1.res_blocks.0.branch1_conv.weight",
      "blocks.1.res_blocks.0.branch2.norm_b.1.block.0.weight", "blocks.2.res_blocks.0.branch1_norm.running_mean",
      "blocks.5.pool.post_conv.weight", "blocks.5.proj.bias",
    ] { #expect(pytorchvideo.contains(name), "\(name)") }
    // pytorchvideo has no BatchNorm on res2's equal-width shortcut.
    #expect(!pytorchvideo.contains("blocks.1.res_blocks.0.branch1_norm.weight"))
  }

  @Test("one error lists every missing, unexpected, mis-shaped and mistyped tensor")
  func problemsListedTogether() throws {
    let graph = try LayerGraph(Self.configuration)
    let layout = ParameterLayout(graph)
    let weights = ModelWeights.seeded(graph, seed: 5)
    var tensors = layout.slots.map { slot in
      (name: slot.name(.slowfast), shape: slot.shape, scalars: weights.tensor(node: slot.node, slot.role)!)
    }
    tensors.removeAll { $0.name == "head.projection.bias" }
    tensors.append((name: "head.extra.weight", shape: [2], scalars: [1, 2]))
    let bad = tensors.firstIndex { $0.name == "s1.pathway0_stem.conv_xy.weight" }!
    tensors[bad].shape = [tensors[bad].scalars.count]
    let url = temporaryURL("bad.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try SafeTensorsFile.write(tensors, to: url)
    // Retype one tensor by editing the header in place: "F32" → "I32" keeps the byte count.
    var bytes = try Data(contentsOf: url)
    let needle = Data("\"head.lin_5.weight\":{\"data_offsets\"".utf8)
    if let at = bytes.range(of: needle), let dtype = bytes.range(of: Data("F32".utf8), in: at.upperBound..<bytes.count)
    {
      bytes.replaceSubrange(dtype, with: Data("I32".utf8))
    }
    try bytes.write(to: url)

    #expect {
      try ModelWeights.load(graph, from: url)
    } throws: { error in
      guard case .weights(_, let problems) = error as? ExecutorError else { return false }
      return problems.missing == ["head.projection.bias [3]"] && problems.unexpected == ["head.extra.weight"]
        && problems.misShaped.count == 1 && problems.misShaped[0].hasPrefix("s1.pathway0_stem.conv_xy.weight")
        && problems.misTyped == ["head.lin_5.weight: I32"]
    }
  }

  @Test("weights of another configuration are refused with the shapes that differ")
  func otherConfiguration() throws {
    let other = try LayerGraph(
      ModelConfiguration(
        frames: 1, crop: 32, widthFactor: 2, depthFactor: 0.4, bottleneckFactor: 0.5, classes: 3,
        implementation: .pytorchvideo))
    let url = temporaryURL("other.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try ModelWeights.seeded(other, seed: 1).save(to: url, naming: .pytorchvideo)
    #expect {
      try ModelWeights.load(try LayerGraph(Self.configuration), from: url)
    } throws: { error in
      guard case .weights(_, let problems) = error as? ExecutorError else { return false }
      return problems.misShaped.count > 5 && "\(error)".contains("wrong shape")
    }
  }

  @Test("truncated and missing files are errors, not traps")
  func brokenFiles() throws {
    let graph = try LayerGraph(Self.configuration)
    let url = temporaryURL("t.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try ModelWeights.seeded(graph, seed: 1).save(to: url, naming: .slowfast)
    let bytes = try Data(contentsOf: url)
    try bytes.prefix(bytes.count - 100).write(to: url)
    #expect(throws: ExecutorError.self) { try ModelWeights.load(graph, from: url) }
    try bytes.prefix(4).write(to: url)
    #expect(throws: ExecutorError.self) { try ModelWeights.load(graph, from: url) }
    #expect(throws: ExecutorError.self) { try ModelWeights.load(graph, from: temporaryURL("absent")) }
  }
}
