import Foundation
import X3DModel

/// Every parameter and buffer tensor of one graph, keyed by the node that reads it.
///
/// Two sources: ``seeded(_:seed:)``, a documented deterministic initialisation, and
/// ``load(_:from:)``, a `.safetensors` state dict under SlowFast or pytorchvideo names.
public struct ModelWeights: Sendable {
  public let layout: ParameterLayout
  /// The naming scheme of the file the weights came from (nil when seeded).
  public let naming: WeightNaming?
  private var values: [SlotKey: [Float]]

  struct SlotKey: Hashable {
    var node: Int
    var role: ParameterRole
  }

  /// The tensor of `role` for node `node`, flattened in PyTorch's (row-major) order.
  public func tensor(node: Int, _ role: ParameterRole) -> [Float]? {
    values[SlotKey(node: node, role: role)]
  }

  /// Replaces one tensor (tests use this to perturb a model).
  public mutating func set(node: Int, _ role: ParameterRole, _ scalars: [Float]) {
    values[SlotKey(node: node, role: role)] = scalars
  }

  /// Deterministic weights from a seed. A ``SplitMix64`` generator seeded with `seed` fills the slots of the
  /// ``ParameterLayout`` in order (nodes in execution order; per node: weight, bias, running mean, running variance;
  /// each tensor in row-major order), each value drawn uniform:
  ///
  /// | tensor | distribution |
  /// |---|---|
  /// | convolution / linear weight | `U(−1/√fanIn, 1/√fanIn)`, `fanIn = Cin/groups·kt·kh·kw` or `in` (PyTorch's default) |
  /// | convolution / linear bias | `U(−1/√fanIn, 1/√fanIn)` |
  /// | BatchNorm γ | `U(0.5, 1.5)` |
  /// | BatchNorm β | `U(−0.2, 0.2)` |
  /// | BatchNorm running mean | `U(−0.2, 0.2)` |
  /// | BatchNorm running variance | `U(0.5, 1.5)` |
  public static func seeded(_ graph: LayerGraph, seed: UInt64) -> ModelWeights {
    let layout = ParameterLayout(graph)
    var generator = SplitMix64(seed: seed)
    var values: [SlotKey: [Float]] = [:]
    var fanIn = 1
    for slot in layout.slots {
      let isNorm: Bool
      if case .batchNorm = graph.nodes[slot.node].kind { isNorm = true } else { isNorm = false }
      let range: (Float, Float)
      switch (slot.role, isNorm) {
      case (.weight, false):
        fanIn = slot.shape.dropFirst().reduce(1, *)
        let bound = 1 / Float(fanIn).squareRoot()
        range = (-bound, bound)
      case (.bias, false):
        let bound = 1 / Float(fanIn).squareRoot()
        range = (-bound, bound)
      case (.weight, true), (.runningVariance, _): range = (0.5, 1.5)
      case (.bias, true), (.runningMean, _): range = (-0.2, 0.2)
      }
      values[SlotKey(node: slot.node, role: slot.role)] = (0..<slot.elementCount).map { _ in
        generator.uniform(range.0, range.1)
      }
    }
    return ModelWeights(layout: layout, naming: nil, values: values)
  }

  /// Loads a `.safetensors` state dict. The naming scheme is detected from the names; `num_batches_tracked`
  /// buffers are ignored. Every missing, unexpected, mis-shaped or non-F32 tensor is reported in one error.
  public static func load(_ graph: LayerGraph, from url: URL) throws(ExecutorError) -> ModelWeights {
    let file = try SafeTensorsFile(contentsOf: url)
    let layout = ParameterLayout(graph)
    let names = file.entries.keys.filter { !$0.hasSuffix("num_batches_tracked") }
    let naming = WeightNaming.allCases.max { a, b in
      let expectedA = Set(layout.slots.map { $0.name(a) })
      let expectedB = Set(layout.slots.map { $0.name(b) })
      return names.filter(expectedA.contains).count < names.filter(expectedB.contains).count
    }!
    var problems = WeightProblems()
    var values: [SlotKey: [Float]] = [:]
    var expected = Set<String>()
    for slot in layout.slots {
      let name = slot.name(naming)
      expected.insert(name)
      guard let entry = file.entries[name] else {
        problems.missing.append("\(name) \(slot.shape)")
        continue
      }
      if entry.shape != slot.shape {
        problems.misShaped.append("\(name): file \(entry.shape), model \(slot.shape)")
      }
      if entry.dtype != "F32" {
        problems.misTyped.append("\(name): \(entry.dtype)")
      }
      if entry.shape == slot.shape, let scalars = file.floats(name) {
        values[SlotKey(node: slot.node, role: slot.role)] = scalars
      }
    }
    problems.unexpected = names.filter { !expected.contains($0) }.sorted()
    guard problems.isEmpty else {
      throw .weights(path: url.path + " (read with \(naming.rawValue) names)", problems: problems)
    }
    return ModelWeights(layout: layout, naming: naming, values: values)
  }

  /// Writes the weights as a `.safetensors` state dict under `naming`.
  public func save(to url: URL, naming: WeightNaming, metadata: [String: String] = [:])
    throws(ExecutorError)
  {
    let tensors = layout.slots.map { slot in
      (
        name: slot.name(naming), shape: slot.shape,
        scalars: values[SlotKey(node: slot.node, role: slot.role)] ?? []
      )
    }
    try SafeTensorsFile.write(tensors, metadata: metadata, to: url)
  }
}
