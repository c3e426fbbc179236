import X3DModel

/// The allocation timeline of one training step over a full graph (docs/training.md): the forward pass (outputs
/// freed after their last reader unless saved), then the backward pass in reverse order, where each node holds its
/// output's gradient, allocates its inputs' gradients, its parameters' gradients and a transient buffer, then frees
/// its output's gradient and the saved tensors it was the last to need. With checkpointing, a segment keeps only
/// its input in the forward pass and allocates its saved tensors again when the backward pass reaches its last node.
struct TrainingTimeline {
  struct Peak {
    var total = 0
    var gradients = 0
    var saved = 0
    var transient = 0
    var at = ""
  }

  let graph: LayerGraph
  let elementType: ElementType
  let implementation: ImplementationVariant
  let checkpointing: Checkpointing
  /// Bytes of each node's output.
  private var outputBytes: [Int] = []
  private var saves: [TrainingSaves] = []
  /// The checkpointed segment of each node (nil outside segments).
  private var segment: [Int?] = []
  /// Per tensor (node output): saved at all; kept from the forward pass (else: allocated again by its segment's
  /// recomputation); the node after whose backward it is released.
  private var saved: [Bool] = []
  private var keptFromForward: [Bool] = []
  private var releasedAt: [Int] = []

  private(set) var savedBytes = 0
  private(set) var recomputedMACs = 0
  private(set) var peak = Peak()

  init(
    _ graph: LayerGraph, elementType: ElementType, implementation: ImplementationVariant, checkpointing: Checkpointing
  ) throws(ConfigurationError) {
    self.graph = graph
    self.elementType = elementType
    self.implementation = implementation
    self.checkpointing = checkpointing
    for node in graph.nodes {
      let checked = Checked(path: node.path)
      outputBytes.append(try checked.product(checked.elements(of: node, output: true), elementType.byteCount))
      saves.append(TrainingSaves.of(node, implementation, elementType))
      segment.append(Self.segment(of: node, checkpointing))
    }
    try Self.checkBound(graph, outputBytes, saves, elementType)
    let count = graph.nodes.count
    saved = Array(repeating: false, count: count)
    keptFromForward = Array(repeating: false, count: count)
    releasedAt = Array(repeating: Int.max, count: count)
    for node in graph.nodes {
      let s = saves[node.index]
      if s.output { hold(node.index, by: node.index) }
      for (position, source) in node.inputs.enumerated() where position == 0 ? s.firstInput : s.secondInput {
        hold(source, by: node.index)
      }
      // A checkpointed segment keeps its inputs until its backward ends (at its first node).
      for source in node.inputs where segment[node.index] != nil && segment[source] != segment[node.index] {
        saved[source] = true
        keptFromForward[source] = true
        releasedAt[source] = min(releasedAt[source], firstNode(ofSegment: segment[node.index]!))
      }
    }
  }

  /// Every total the timeline forms is at most `(10 + largest temporal kernel)·(Σ outputs + Σ private saves +
  /// Σ parameter gradients)`: the walk adds without checks once that bound is known to fit in 64 bits.
  private static func checkBound(
    _ graph: LayerGraph, _ outputBytes: [Int], _ saves: [TrainingSaves], _ elementType: ElementType
  ) throws(ConfigurationError) {
    var total = 0
    var factor = 10
    for node in graph.nodes {
      let checked = Checked(path: node.path)
      let weights = try checked.product(CostFormulas.cost(of: node).parameterCount, elementType.byteCount)
      total = try checked.sum(
        total, checked.sum(outputBytes[node.index], checked.sum(saves[node.index].privateBytes, weights)))
      if case .convolution(let conv) = node.kind { factor = max(factor, 10 + conv.kernel.t) }
    }
    _ = try Checked(path: graph.output.path).product(total, factor)
  }

  /// Marks tensor `source` as saved by node `holder`.
  private mutating func hold(_ source: Int, by holder: Int) {
    saved[source] = true
    releasedAt[source] = min(releasedAt[source], holder)
    if segment[holder] == nil { keptFromForward[source] = true }
  }

  private func firstNode(ofSegment id: Int) -> Int { segment.firstIndex(of: id)! }

  /// Segments: every residual block (`block`) or stage (`stage`), numbered by stage and block.
  static func segment(of node: LayerNode, _ checkpointing: Checkpointing) -> Int? {
    guard let block = node.path.block else { return nil }
    switch checkpointing {
    case .none: return nil
    case .block: return node.path.stage.rawValue * 1_000_000 + block
    case .stage: return node.path.stage.rawValue
    }
  }

  /// Bytes of the tensors a segment allocates again in backward: its saved tensors not kept from the forward
  /// pass, and its nodes' private saves.
  private func recomputedBytes(_ id: Int) -> Int {
    var total = 0
    for index in graph.nodes.indices where segment[index] == id {
      if saved[index] && !keptFromForward[index] { total += outputBytes[index] }
      total += saves[index].privateBytes
    }
    return total
  }

  mutating func run() throws(ConfigurationError) {
    try forward()
    try backward()
  }

  private mutating func forward() throws(ConfigurationError) {
    var readers = graph.nodes.map(\.consumerCount)
    var live = 0
    var kept = 0
    for node in graph.nodes {
      let i = node.index
      let input = node.inputs.first.map { outputBytes[$0] } ?? 0
      // Swish computes sigmoid(x) into a temporary before the product.
      var workspace = 0
      if case .swish = node.kind { workspace = input }
      note(live + outputBytes[i] + workspace, gradients: 0, saved: kept, at: node, pass: "forward")
      live += outputBytes[i]
      if segment[i] == nil && saves[i].privateBytes > 0 {
        live += saves[i].privateBytes
        kept += saves[i].privateBytes
      }
      if keptFromForward[i] { kept += outputBytes[i] }
      for source in node.inputs {
        readers[source] -= 1
        if readers[source] == 0 && !keptFromForward[source] { live -= outputBytes[source] }
      }
    }
    savedBytes = kept
  }

  private mutating func backward() throws(ConfigurationError) {
    var liveSaved = savedBytes
    var pending: [Int: Int] = [graph.output.index: outputBytes[graph.output.index]]
    var pendingBytes = outputBytes[graph.output.index]
    var gradients = 0
    let clip = graph.input.index
    var recomputed: Set<Int> = []
    // The saved tensors each node releases, listed once.
    var releases = [Int](repeating: 0, count: graph.nodes.count)
    for index in graph.nodes.indices where saved[index] && releasedAt[index] < releases.count {
      releases[releasedAt[index]] += outputBytes[index]
    }
    for node in graph.nodes.reversed() {
      let j = node.index
      if case .input = node.kind { continue }
      if let id = segment[j], !recomputed.contains(id) {
        recomputed.insert(id)
        liveSaved += recomputedBytes(id)
        for index in graph.nodes.indices where segment[index] == id {
          let macs = try TrainingFormulas.cost(of: graph.nodes[index], inputNeedsGradient: true).forwardMACs
          recomputedMACs = try Checked(path: graph.nodes[index].path).sum(recomputedMACs, macs)
        }
      }
      guard let dy = pending.removeValue(forKey: j) else { continue }
      let step = try allocations(node)
      note(
        liveSaved + gradients + pendingBytes + step.transient + step.weights, gradients: gradients + step.weights,
        saved: liveSaved, at: node, pass: "backward")
      pendingBytes -= dy
      for (source, bytes) in step.deliveries where source != clip {
        if pending[source] == nil {
          pending[source] = bytes
          pendingBytes += bytes
        }
      }
      gradients += step.weights
      liveSaved -= releases[j]
      liveSaved -= saves[j].privateBytes
    }
  }

  /// What node `node`'s backward allocates: the gradients it hands to its inputs (bytes kept), its parameters'
  /// gradients and everything new while it runs (the kept gradients included).
  private func allocations(_ node: LayerNode) throws(ConfigurationError) -> (
    deliveries: [(Int, Int)], weights: Int, transient: Int
  ) {
    let sources = Array(node.inputs)
    let x = sources.first.map { outputBytes[$0] } ?? 0
    let y = outputBytes[node.index]
    let e = elementType.byteCount
    let needsInput = sources.first.map { $0 != graph.input.index } ?? false
    let weights = try Checked(path: node.path).product(CostFormulas.cost(of: node).parameterCount, e)
    switch node.kind {
    case .input:
      return ([], 0, 0)
    case .convolution(let conv):
      // PyTorch's CPU kernels, one thread (measured; docs/training.md): a pointwise convolution holds a buffer of
      // its output's size or the input and weight gradients, whichever is larger; a temporal depthwise one
      // (kt×1×1) unfolds its input kt times; other grouped and dense ones hold one more buffer of the input's
      // size (dense: and of the output's).
      let inputGradient = needsInput ? x : 0
      let transient: Int
      if conv.kernel == .one && conv.groups == 1 {
        transient = max(inputGradient, y - weights)
      } else if conv.groups > 1 && conv.kernel.h == 1 && conv.kernel.w == 1 {
        transient = inputGradient + conv.kernel.t * x
      } else if conv.groups > 1 {
        transient = inputGradient + x
      } else {
        transient = inputGradient + x + y
      }
      return ([(sources[0], x)], weights, transient)
    case .linear:
      // The matrix product's gradient, then dropout's (`dy·mask`): two buffers of the input's size.
      return ([(sources[0], x)], weights, 2 * x)
    case .batchNorm:
      return ([(sources[0], x)], weights, 2 * x)
    case .swish:
      return ([(sources[0], x)], 0, 3 * x)
    case .relu, .sigmoid, .softmax, .averagePool, .globalAveragePool, .positionMean:
      return ([(sources[0], x)], 0, x)
    case .channelScale:
      let gate = outputBytes[sources[1]]
      return ([(sources[0], x), (sources[1], gate)], 0, 2 * x + gate)
    case .residualAdd:
      // The output's gradient passes to both inputs as it is; it stays allocated while either holds it.
      return ([(sources[0], y), (sources[1], 0)], 0, 0)
    }
  }

  private mutating func note(_ total: Int, gradients: Int, saved: Int, at node: LayerNode, pass: String) {
    guard total > peak.total else { return }
    peak = Peak(
      total: total, gradients: gradients, saved: saved, transient: total - gradients - saved,
      at: "\(pass) \(node.path)")
  }
}
