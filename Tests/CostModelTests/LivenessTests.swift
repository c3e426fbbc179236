import CostModel
import Testing
import X3DModel

/// The liveness trackers keep up to eight tensors inline and move them to an array beyond that. X3D never holds
/// more than a handful, so these streams force the array: random graphs in which up to 14 tensors are live at once,
/// checked against the straightforward array-based rules.
struct LivenessTests {
  /// One synthetic node: reads up to two earlier live nodes.
  static func stream(seed: UInt64) -> [LayerNode] {
    var generator = SplitMix(seed: seed)
    var readersLeft: [Int: Int] = [:]
    var planned: [(inputs: NodeInputs, kind: LayerKind)] = []
    let count = generator.int(20...60)
    for index in 0..<count {
      let open = readersLeft.keys.sorted()
      var inputs = NodeInputs.none
      if index > 0, !open.isEmpty, generator.int(0...3) > 0 {
        let a = open[generator.int(0...(open.count - 1))]
        let others = open.filter { $0 != a }
        if !others.isEmpty, generator.int(0...2) == 0 {
          inputs = .two(a, others[generator.int(0...(others.count - 1))])
        } else {
          inputs = .one(a)
        }
      }
      for input in inputs {
        readersLeft[input]! -= 1
        if readersLeft[input] == 0 { readersLeft[input] = nil }
      }
      readersLeft[index] = generator.int(1...3)
      let kinds: [LayerKind] = [.relu, .batchNorm, .swish, .sigmoid, .residualAdd, .channelScale]
      planned.append((inputs, kinds[generator.int(0...(kinds.count - 1))]))
    }
    // Consumer counts: the readers that actually came.
    var consumers = Array(repeating: 0, count: count)
    for node in planned { for input in node.inputs { consumers[input] += 1 } }
    consumers[count - 1] = 0
    return planned.enumerated().map { index, node in
      let shape = TensorShape(
        batch: 1, channels: 1 + index % 5, frames: 2, height: 3 + index % 3, width: 4)
      return LayerNode(
        index: index, path: NodePath(stage: .head, component: .softmax), kind: node.kind,
        inputs: node.inputs,
        inputShape: shape, outputShape: shape, consumerCount: consumers[index],
        repeatCount: 1 + index % 3)
    }
  }

  /// The rules of ``LiveMemory``, on plain arrays.
  static func reference(_ nodes: [LayerNode], _ elementType: ElementType) -> (
    peak: Int, training: Int
  ) {
    var live: [(index: Int, bytes: Int, copies: Int, readers: Int, saved: Bool)] = []
    var liveBytes = 0
    var peak = 0
    var savedBytes = 0
    for node in nodes {
      let bytes =
        node.outputShape.batch * node.outputShape.channels * node.outputShape.positions
        * elementType.byteCount
      peak = max(peak, liveBytes + bytes)
      let savesInput: Bool
      switch node.kind {
      case .batchNorm, .swish, .channelScale: savesInput = true
      default: savesInput = false
      }
      if case .batchNorm = node.kind {
        savedBytes += 2 * node.inputShape.channels * 4 * node.repeatCount
      }
      for (argument, input) in node.inputs.enumerated() {
        let position = live.firstIndex { $0.index == input }!
        if savesInput && (argument == 0 || node.kind == .channelScale) {
          live[position].saved = true
        }
        live[position].readers -= 1
        if live[position].readers == 0 {
          let tensor = live.remove(at: position)
          liveBytes -= tensor.bytes
          if tensor.saved { savedBytes += tensor.bytes * tensor.copies }
        }
      }
      let savesOutput = node.kind == .relu || node.kind == .sigmoid
      live.append(
        (
          node.index, bytes, node.repeatCount,
          node.consumerCount == 0 ? Int.max : node.consumerCount, savesOutput
        ))
      liveBytes += bytes
    }
    return (peak, live.reduce(savedBytes) { $0 + ($1.saved ? $1.bytes * $1.copies : 0) })
  }

  @Test(arguments: 0..<40)
  func manyLiveTensorsAgreeWithArrays(_ seed: Int) throws {
    let nodes = Self.stream(seed: UInt64(seed))
    for elementType in ElementType.allCases {
      var memory = LiveMemory(elementType: elementType, implementation: .paper)
      for node in nodes { try memory.run(node, outputElements: try node.outputShape.elementCount()) }
      let expected = Self.reference(nodes, elementType)
      #expect(memory.peakBytes == expected.peak)
      #expect(memory.trainingBytes == expected.training)
    }
  }

  /// The streams above do hold more tensors than the inline storage.
  @Test func streamsExceedInlineStorage() {
    var most = 0
    for seed in 0..<40 {
      var live = 0
      var readers: [Int: Int] = [:]
      for node in Self.stream(seed: UInt64(seed)) {
        for input in node.inputs {
          readers[input]! -= 1
          if readers[input] == 0 { live -= 1 }
        }
        readers[node.index] = node.consumerCount
        if node.consumerCount > 0 || node.index == 0 { live += 1 }
        most = max(most, live)
      }
    }
    #expect(most > 8)
  }
}
