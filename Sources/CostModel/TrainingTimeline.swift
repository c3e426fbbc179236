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
    /// The node running at the peak, and whether in the backward pass.
    var node = 0
    var backward = false
  }

  let graph: LayerGraph
  let elementType: ElementType
  /// Per node: bytes of its output, of its parameters' gradients, what autograd saves, its checkpointed segment.
  private var outputBytes: [Int] = []
  private var weightBytes: [Int] = []
  private var saves: [TrainingSaves] = []
  private var segment: [Int?] = []
  /// Per tensor (node output): saved at all; kept from the forward pass (else: allocated again by its segment's
  /// recomputation); the node after whose backward it is released.
  private var saved: [Bool] = []
  private var keptFromForward: [Bool] = []
  private var releasedAt: [Int] = []
  /// Per node: what a segment's recomputation allocates and multiplies when the backward pass reaches the node (its
  /// last node).
  private var recomputedBytesAt: [Int] = []
  private var recomputedMACsAt: [Int] = []

  private(set) var parameterCount = 0
  private(set) var parameterTensors = 0
  private(set) var savedBytes = 0
  private(set) var recomputedMACs = 0
  private(set) var peak = Peak()

  init(
    _ graph: LayerGraph, elementType: ElementType, implementation: ImplementationVariant, checkpointing: Checkpointing
  ) throws(ConfigurationError) {
    self.graph = graph
    self.elementType = elementType
    let count = graph.nodes.count
    var bound = 0
    var factor = 10
    var firstOfSegment: [Int: Int] = [:]
    var lastOfSegment: [Int: Int] = [:]
    for node in graph.nodes {
      let checked = Checked(path: node.path)
      let cost = try CostFormulas.cost(of: node)
      outputBytes.append(try checked.product(cost[.outputElements], elementType.byteCount))
      weightBytes.append(try checked.product(cost[.params], elementType.byteCount))
      parameterCount = try checked.sum(parameterCount, cost[.params])
      parameterTensors += Self.parameterTensors(node.kind)
      let s = TrainingSaves.of(node, implementation, elementType)
      saves.append(s)
      let id = Self.segment(of: node, checkpointing)
      segment.append(id)
      if let id {
        if firstOfSegment[id] == nil { firstOfSegment[id] = node.index }
        lastOfSegment[id] = node.index
      }
      // Every total the walk forms is at most `(10 + largest temporal kernel)·(Σ outputs + Σ private saves +
      // Σ parameter gradients)`: once that fits in 64 bits, the walk adds without checks.
      bound = try checked.sum(
        bound, checked.sum(outputBytes[node.index], checked.sum(s.privateBytes, weightBytes[node.index])))
      if case .convolution(let conv) = node.kind { factor = max(factor, 10 + conv.kernel.t) }
    }
    _ = try Checked(path: graph.output.path).product(bound, factor)

    saved = Array(repeating: false, count: count)
    keptFromForward = Array(repeating: false, count: count)
    releasedAt = Array(repeating: Int.max, count: count)
    for node in graph.nodes {
      let s = saves[node.index]
      if s.output { hold(node.index, by: node.index) }
      if s.firstInput, let source = node.inputs.first { hold(source, by: node.index) }
      if s.secondInput, let source = node.inputs.second { hold(source, by: node.index) }
      // A checkpointed segment keeps its inputs until its backward ends (at its first node).
      guard let id = segment[node.index] else { continue }
      for source in node.inputs where segment[source] != id {
        saved[source] = true
        keptFromForward[source] = true
        releasedAt[source] = min(releasedAt[source], firstOfSegment[id]!)
      }
    }
    recomputedBytesAt = Array(repeating: 0, count: count)
    recomputedMACsAt = Array(repeating: 0, count: count)
    for node in graph.nodes {
      guard let id = segment[node.index], let last = lastOfSegment[id] else { continue }
      let i = node.index
      if saved[i] && !keptFromForward[i] { recomputedBytesAt[last] += outputBytes[i] }
      recomputedBytesAt[last] += saves[i].privateBytes
      let macs = try TrainingFormulas.cost(of: node, inputNeedsGradient: true, gradientSums: 0).forwardMACs
      recomputedMACsAt[last] = try Checked(path: node.path).sum(recomputedMACsAt[last], macs)
      recomputedMACs = try Checked(path: node.path).sum(recomputedMACs, macs)
    }
  }

  /// Marks tensor `source` as saved by node `holder`.
  private mutating func hold(_ source: Int, by holder: Int) {
    saved[source] = true
    releasedAt[source] = min(releasedAt[source], holder)
    if segment[holder] == nil { keptFromForward[source] = true }
  }

  /// Segments: every residual block (`block`) or stage (`stage`), numbered by stage and block.
  static func segment(of node: LayerNode, _ checkpointing: Checkpointing) -> Int? {
    guard let block = node.path.block else { return nil }
    switch checkpointing {
    case .none: return nil
    case .block: return node.path.stage.rawValue * 1_000_000 + block
    case .stage: return node.path.stage.rawValue
    }
  }

  /// Parameter tensors of a node (weight and bias; BatchNorm's γ and β).
  static func parameterTensors(_ kind: LayerKind) -> Int {
    switch kind {
    case .convolution(let conv): conv.hasBias ? 2 : 1
    case .linear(let linear): linear.hasBias ? 2 : 1
    case .batchNorm: 2
    case .input, .relu, .swish, .sigmoid, .globalAveragePool, .channelScale, .residualAdd, .averagePool, .softmax,
      .positionMean:
      0
    }
  }

  mutating func run() {
    forward()
    backward()
  }

  private mutating func forward() {
    var readers = graph.nodes.map(\.consumerCount)
    var live = 0
    var kept = 0
    for node in graph.nodes {
      let i = node.index
      let input = node.inputs.first.map { outputBytes[$0] } ?? 0
      // Swish computes sigmoid(x) into a temporary before the product.
      var workspace = 0
      if case .swish = node.kind { workspace = input }
      note(live + outputBytes[i] + workspace, gradients: 0, saved: kept, node: i, backward: false)
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

  private mutating func backward() {
    let count = graph.nodes.count
    var liveSaved = savedBytes
    // The gradient each tensor is waiting to hand to its producer (−1: none).
    var pending = [Int](repeating: -1, count: count)
    pending[graph.output.index] = outputBytes[graph.output.index]
    var pendingBytes = outputBytes[graph.output.index]
    var gradients = 0
    let clip = graph.input.index
    // The saved tensors each node releases, summed once.
    var releases = [Int](repeating: 0, count: count)
    for index in 0..<count where saved[index] && releasedAt[index] < count {
      releases[releasedAt[index]] += outputBytes[index]
    }
    for node in graph.nodes.reversed() {
      let j = node.index
      if case .input = node.kind { continue }
      liveSaved += recomputedBytesAt[j]
      let dy = pending[j]
      guard dy >= 0 else { continue }
      pending[j] = -1
      let step = allocations(node)
      note(
        liveSaved + gradients + pendingBytes + step.transient + weightBytes[j], gradients: gradients + weightBytes[j],
        saved: liveSaved, node: j, backward: true)
      pendingBytes -= dy
      for (source, bytes) in [step.first, step.second] where source >= 0 && source != clip && pending[source] < 0 {
        pending[source] = bytes
        pendingBytes += bytes
      }
      gradients += weightBytes[j]
      liveSaved -= releases[j] + saves[j].privateBytes
    }
  }

  /// What node `node`'s backward allocates besides its parameters' gradients: the gradients it hands to its inputs
  /// (source, bytes kept; source −1 for none) and everything new while it runs (those gradients included).
  private func allocations(_ node: LayerNode) -> (first: (Int, Int), second: (Int, Int), transient: Int) {
    let none = (-1, 0)
    guard let source = node.inputs.first else { return (none, none, 0) }
    let x = outputBytes[source]
    let y = outputBytes[node.index]
    let weights = weightBytes[node.index]
    switch node.kind {
    case .input:
      return (none, none, 0)
    case .convolution(let conv):
      // PyTorch's CPU kernels, one thread (measured; docs/training.md): a pointwise convolution holds a buffer of
      // its output's size or the input and weight gradients, whichever is larger; a temporal depthwise one
      // (kt×1×1) unfolds its input kt times; other grouped and dense ones hold one more buffer of the input's
      // size (dense: and of the output's).
      let inputGradient = source != graph.input.index ? x : 0
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
      // 16-bit kernels on the CPU accumulate a dense convolution's weight gradient in a float32 buffer (measured,
      // tools/gen_training_amp_memory.py): 4 bytes per weight besides the 16-bit gradient.
      if conv.groups == 1 && elementType.byteCount < 4 {
        return ((source, x), none, transient + weights / elementType.byteCount * 4)
      }
      return ((source, x), none, transient)
    case .linear, .batchNorm:
      // Linear: the matrix product's gradient, then dropout's (`dy·mask`); BatchNorm: the input's gradient and one
      // more buffer of the input's size.
      return ((source, x), none, 2 * x)
    case .swish:
      return ((source, x), none, 3 * x)
    case .relu, .sigmoid, .softmax, .averagePool, .globalAveragePool, .positionMean:
      return ((source, x), none, x)
    case .channelScale:
      let gate = node.inputs.second!
      return ((source, x), (gate, outputBytes[gate]), 2 * x + outputBytes[gate])
    case .residualAdd:
      // The output's gradient passes to both inputs as it is; it stays allocated while either holds it.
      return ((source, y), (node.inputs.second!, 0), 0)
    }
  }

  private mutating func note(_ total: Int, gradients: Int, saved: Int, node: Int, backward: Bool) {
    guard total > peak.total else { return }
    peak = Peak(
      total: total, gradients: gradients, saved: saved, transient: total - gradients - saved, node: node,
      backward: backward)
  }
}
