import Dispatch
import X3DModel

/// The executor's state for the fused groups of one forward pass: the external inputs each group has captured so
/// far, the shape its members produce, and where their tally rows are, to be filled when the group runs at its
/// last member.
struct FusedWalk {
  private var captured: [Int: [Int: Tensor]] = [:]
  /// Per group: the producer's output shape (every member's after it) and its input's (an input transform's).
  private var shapes: [Int: (output: TensorShape, input: TensorShape)] = [:]
  private var rows: [Int: [Int]] = [:]

  /// Appends `node`'s tally row (live bytes as in the unfused walk: what is held plus this node's output); at the
  /// group's last member runs the group and fills the rows of all its members. Returns the row and, at the last
  /// member, the group's output.
  mutating func step(
    _ node: LayerNode, _ group: FusedGroup, held: [Int: Tensor], heldBytes: Int, backend: any FusingBackend,
    _ tally: inout ExecutionTally
  ) throws(ExecutorError) -> (NodeTally, Tensor?) {
    let g = group.index
    let name = node.path.description
    func mismatch(_ reason: String) -> ExecutorError { .shapeMismatch(node: name, reason: reason) }
    for source in node.inputs where group.inputs.contains(source) {
      guard let tensor = held[source] else { throw mismatch("fused input \(source) was not materialised") }
      captured[g, default: [:]][source] = tensor
    }
    let role = group.roles[group.members.firstIndex(of: node.index)!]
    let transform = role == .inputScale || role == .inputActivation
    if node.index == group.members[0] {
      let inputs = captured[g] ?? [:]
      let output = try Self.producerShape(group, inputs, mismatch)
      shapes[g] = (output, inputs[group.inputs[0]]?.shape ?? output)
    }
    let shape = transform ? shapes[g]!.input : shapes[g]!.output
    if node.index != group.members[0] {
      if let residual = group.residual, node.inputs.contains(residual), captured[g]?[residual]?.shape != shape {
        throw mismatch("cannot add \(captured[g]?[residual]?.shape.description ?? "?") and \(shape)")
      }
    }
    var row = NodeTally(index: node.index, path: node.path, outputShape: shape)
    row.liveBytes = heldBytes + shape.batch * shape.channels * shape.positions * MemoryLayout<Float>.size
    rows[g, default: []].append(tally.nodes.count)
    tally.nodes.append(row)
    guard node.index == group.members.last else { return (row, nil) }

    let inputs = group.inputs.map { captured[g]![$0]! }
    let start = DispatchTime.now().uptimeNanoseconds
    let (output, counters) = backend.runFused(group, inputs)
    let elapsed = DispatchTime.now().uptimeNanoseconds - start
    guard output.shape == shape else { throw mismatch("fused kernel produced \(output.shape), expected \(shape)") }
    let elementBytes = MemoryLayout<Float>.size
    for (position, counter) in zip(rows[g]!, counters) {
      var member = tally.nodes[position]
      member.macs = counter.macs
      member.parameterCount = counter.parametersRead
      member.bufferCount = counter.buffersRead
      member.outputElements = counter.outputElements
      let isProducer = group.roles[group.members.firstIndex(of: member.index)!] == .producer
      member.activationCount = isProducer && group.producerIsConvolution ? counter.outputElements : 0
      member.bytesRead = (counter.activationElementsRead + counter.parametersRead + counter.buffersRead) * elementBytes
      member.bytesWritten = counter.outputElements * elementBytes
      member.nanoseconds = isProducer ? elapsed : 0
      tally.nodes[position] = member
    }
    captured[g] = nil
    return (tally.nodes[tally.nodes.count - 1], output)
  }

  /// The producer's output shape, with the checks the unfused executor makes.
  static func producerShape(
    _ group: FusedGroup, _ inputs: [Int: Tensor], _ mismatch: (String) -> ExecutorError
  ) throws(ExecutorError) -> TensorShape {
    switch group.producer {
    case .convolution(let conv, _, _):
      guard let x = inputs[group.inputs[0]] else { throw mismatch("missing input") }
      if group.inputActivation != nil {
        guard let gate = inputs[group.inputs[1]] else { throw mismatch("missing gate") }
        guard gate.shape == Shapes.squeezed(x.shape) else {
          throw mismatch("gate \(gate.shape) does not fit \(x.shape)")
        }
      }
      guard x.shape.channels == conv.inChannels, conv.groups > 0, conv.inChannels % conv.groups == 0,
        conv.outChannels % conv.groups == 0
      else {
        throw mismatch(
          "input \(x.shape) does not fit Conv3d(\(conv.inChannels), \(conv.outChannels), groups \(conv.groups))")
      }
      guard let shape = Shapes.convolution(x.shape, conv) else {
        throw mismatch("kernel \(conv.kernel) with padding \(conv.padding) does not fit input \(x.shape)")
      }
      return shape
    case .channelScale:
      guard let x = inputs[group.inputs[0]], let gate = inputs[group.inputs[1]] else { throw mismatch("missing input") }
      guard gate.shape == Shapes.squeezed(x.shape) else { throw mismatch("gate \(gate.shape) does not fit \(x.shape)") }
      return x.shape
    }
  }
}

extension FusedGroup {
  var producerIsConvolution: Bool {
    if case .convolution = producer { true } else { false }
  }
}
