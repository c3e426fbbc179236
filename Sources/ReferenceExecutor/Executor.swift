import Dispatch
import X3DModel

/// Runs a ``LayerGraph`` node by node on a backend: the very graph the cost model counts, walked in its execution
/// order, with one exhaustive `switch` over ``LayerKind``.
///
/// Memory accounting uses real allocations: the input clip is held from the start; while a node runs, its inputs
/// and its freshly allocated output are held together; a tensor is released right after its last reader (readers
/// are counted from the graph's edges, not taken from the builder); the network's output stays.
public struct Executor: Sendable {
  public let graph: LayerGraph
  public let weights: ModelWeights
  public let backend: any ExecutionBackend
  /// The chains a fusing backend runs as one kernel (nil for other backends).
  let fusion: FusionPlan?

  public init(graph: LayerGraph, weights: ModelWeights, backend: any ExecutionBackend) {
    self.graph = graph
    self.weights = weights
    self.backend = backend
    fusion = (backend as? any FusingBackend)?.fusionPlan(graph, weights)
  }

  /// The result of one forward pass.
  public struct Execution: Sendable {
    /// The network's output `(N, K)`: softmax at each position, then the mean over positions.
    public var output: Tensor
    /// Class scores before the softmax, averaged over positions `(N, K)` (nil if the graph has no linear layer).
    public var logits: Tensor?
    public var tally: ExecutionTally
    /// Where a NaN or infinity first appeared, when asked to look.
    public var firstNonFinite: NonFiniteReport?
  }

  /// Runs `input` (shape `(N, 3, T, S, S)` of the graph's input node) through the network. `observe` sees every
  /// materialised node's output as it is produced; `checkFinite` scans them for the first NaN or infinity. With a
  /// fusing backend the outputs a group absorbs are never materialised: `observe` does not see them, and a NaN is
  /// reported at the group's last node.
  public func run(
    _ input: Tensor, checkFinite: Bool = true, observe: (LayerNode, Tensor) -> Void = { _, _ in }
  ) throws(ExecutorError) -> Execution {
    guard input.shape == graph.input.outputShape else {
      throw .inputShape(
        expected: graph.input.outputShape.description, observed: input.shape.description)
    }
    var readers = [Int](repeating: 0, count: graph.nodes.count)
    for node in graph.nodes { for source in node.inputs { readers[source] += 1 } }
    var held: [Int: Tensor] = [:]
    /// Bytes of every output still awaiting a reader, materialised or absorbed by a fused group.
    var sizes: [Int: Int] = [:]
    var heldBytes = 0
    var fused = FusedWalk()
    var tally = ExecutionTally()
    tally.countsActivationReads = backend.kind == .reference
    tally.nodes.reserveCapacity(graph.nodes.count)
    var logits: Tensor? = nil
    var firstNonFinite: NonFiniteReport? = nil

    for node in graph.nodes {
      if let fusion, let g = fusion.groupOf[node.index] {
        let (row, output) = try fused.step(
          node, fusion.groups[g], held: held, heldBytes: heldBytes, backend: backend as! any FusingBackend,
          &tally)
        let size =
          row.outputShape.batch * row.outputShape.channels * row.outputShape.positions
          * MemoryLayout<Float>.size
        tally.peakLiveBytes = max(tally.peakLiveBytes, row.liveBytes)
        if let output {
          observe(node, output)
          if checkFinite, firstNonFinite == nil, let bad = output.firstNonFinite() {
            firstNonFinite = NonFiniteReport(
              node: node.path.description, coordinates: bad.coordinates, value: bad.value)
          }
          held[node.index] = output
        }
        sizes[node.index] = size
        heldBytes += size
        for source in node.inputs {
          readers[source] -= 1
          if readers[source] == 0, let released = sizes.removeValue(forKey: source) {
            heldBytes -= released
            held[source] = nil
          }
        }
        continue
      }
      let arguments = node.inputs.map { held[$0]! }
      var counter = KernelCounter()
      let start = DispatchTime.now().uptimeNanoseconds
      let output = try execute(node, arguments, input, &counter)
      let elapsed = DispatchTime.now().uptimeNanoseconds - start
      if case .linear = node.kind {
        var scratch = KernelCounter()
        logits = backend.positionMean(output, &scratch)
      }
      var row = NodeTally(index: node.index, path: node.path, outputShape: output.shape)
      row.macs = counter.macs
      row.parameterCount = counter.parametersRead
      row.bufferCount = counter.buffersRead
      row.outputElements = counter.outputElements
      row.activationCount = Self.isConvolutionOrLinear(node.kind) ? counter.outputElements : 0
      row.liveBytes = heldBytes + output.byteCount
      let elementBytes = MemoryLayout<Float>.size
      row.bytesRead = (counter.activationElementsRead + counter.parametersRead + counter.buffersRead) * elementBytes
      row.bytesWritten = counter.outputElements * elementBytes
      row.nanoseconds = elapsed
      tally.peakLiveBytes = max(tally.peakLiveBytes, row.liveBytes)
      tally.nodes.append(row)
      observe(node, output)
      if checkFinite, firstNonFinite == nil, let bad = output.firstNonFinite() {
        firstNonFinite = NonFiniteReport(
          node: node.path.description, coordinates: bad.coordinates, value: bad.value)
      }

      held[node.index] = output
      sizes[node.index] = output.byteCount
      heldBytes += output.byteCount
      for source in node.inputs {
        readers[source] -= 1
        if readers[source] == 0, let released = sizes.removeValue(forKey: source) {
          heldBytes -= released
          held[source] = nil
        }
      }
    }
    return Execution(
      output: held[graph.output.index]!, logits: logits, tally: tally,
      firstNonFinite: firstNonFinite)
  }

  static func isConvolutionOrLinear(_ kind: LayerKind) -> Bool {
    switch kind {
    case .convolution, .linear: true
    case .input, .batchNorm, .relu, .swish, .sigmoid, .globalAveragePool, .channelScale,
      .residualAdd, .averagePool,
      .softmax, .positionMean:
      false
    }
  }

  /// One node: checks that its inputs and weights fit, then calls the backend's kernel.
  func execute(
    _ node: LayerNode, _ arguments: [Tensor], _ clip: Tensor, _ counter: inout KernelCounter
  )
    throws(ExecutorError) -> Tensor
  {
    let name = node.path.description
    func argument(_ position: Int) throws(ExecutorError) -> Tensor {
      guard position < arguments.count else {
        throw .shapeMismatch(
          node: name, reason: "expects \(position + 1) inputs, the graph gives \(arguments.count)")
      }
      return arguments[position]
    }
    func mismatch(_ reason: String) -> ExecutorError { .shapeMismatch(node: name, reason: reason) }

    switch node.kind {
    case .input:
      counter.outputElements += clip.scalars.count
      return clip
    case .convolution(let conv):
      let x = try argument(0)
      guard x.shape.channels == conv.inChannels, conv.groups > 0,
        conv.inChannels % conv.groups == 0,
        conv.outChannels % conv.groups == 0
      else {
        throw mismatch(
          "input \(x.shape) does not fit Conv3d(\(conv.inChannels), \(conv.outChannels), groups \(conv.groups))"
        )
      }
      guard Shapes.convolution(x.shape, conv) != nil else {
        throw mismatch(
          "kernel \(conv.kernel) with padding \(conv.padding) does not fit input \(x.shape)")
      }
      return backend.convolution(
        x, conv,
        try layerWeights(
          node,
          weightCount: conv.outChannels * (conv.inChannels / conv.groups) * conv.kernel.volume,
          biasCount: conv.hasBias ? conv.outChannels : nil), &counter)
    case .linear(let linear):
      let x = try argument(0)
      guard x.shape.channels == linear.inFeatures, !x.shape.isFlat else {
        throw mismatch(
          "input \(x.shape) does not fit Linear(\(linear.inFeatures), \(linear.outFeatures))")
      }
      return backend.linear(
        x, linear,
        try layerWeights(
          node, weightCount: linear.inFeatures * linear.outFeatures,
          biasCount: linear.hasBias ? linear.outFeatures : nil), &counter)
    case .batchNorm:
      let x = try argument(0)
      let c = x.shape.channels
      guard let scale = weights.tensor(node: node.index, .weight),
        let shift = weights.tensor(node: node.index, .bias),
        let mean = weights.tensor(node: node.index, .runningMean),
        let variance = weights.tensor(node: node.index, .runningVariance),
        [scale, shift, mean, variance].allSatisfy({ $0.count == c })
      else { throw mismatch("BatchNorm tensors missing or not of \(c) channels") }
      return backend.batchNorm(
        x, NormWeights(scale: scale, shift: shift, mean: mean, variance: variance), &counter)
    case .relu:
      return backend.relu(try argument(0), &counter)
    case .swish:
      return backend.swish(try argument(0), &counter)
    case .sigmoid:
      return backend.sigmoid(try argument(0), &counter)
    case .globalAveragePool:
      return backend.globalAveragePool(try argument(0), &counter)
    case .channelScale:
      let (x, gate) = (try argument(0), try argument(1))
      guard gate.shape == Shapes.squeezed(x.shape) else {
        throw mismatch("gate \(gate.shape) does not fit \(x.shape)")
      }
      return backend.channelScale(x, gate, &counter)
    case .residualAdd:
      let (a, b) = (try argument(0), try argument(1))
      guard a.shape == b.shape else { throw mismatch("cannot add \(a.shape) and \(b.shape)") }
      return backend.add(a, b, &counter)
    case .averagePool(let kernel):
      let x = try argument(0)
      guard Shapes.pool(x.shape, kernel) != nil else {
        throw mismatch("pool kernel \(kernel) exceeds input \(x.shape)")
      }
      return backend.averagePool(x, kernel: kernel, &counter)
    case .softmax:
      return backend.softmax(try argument(0), &counter)
    case .positionMean:
      return backend.positionMean(try argument(0), &counter)
    }
  }

  private func layerWeights(_ node: LayerNode, weightCount: Int, biasCount: Int?)
    throws(ExecutorError)
    -> LayerWeights
  {
    guard let weight = weights.tensor(node: node.index, .weight), weight.count == weightCount else {
      throw .shapeMismatch(
        node: node.path.description, reason: "weight missing or not of \(weightCount) elements")
    }
    var bias: [Float]? = nil
    if let biasCount {
      guard let b = weights.tensor(node: node.index, .bias), b.count == biasCount else {
        throw .shapeMismatch(
          node: node.path.description, reason: "bias missing or not of \(biasCount) elements")
      }
      bias = b
    }
    return LayerWeights(weight: weight, bias: bias)
  }
}
