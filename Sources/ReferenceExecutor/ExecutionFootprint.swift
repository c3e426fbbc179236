import X3DModel

/// The memory one forward pass of ``Executor`` holds, computed from the graph's shapes before anything is
/// allocated, so a run that cannot fit is refused with its size instead of dying in the allocator.
///
/// All float32 (4 bytes an element):
/// - `clipBytes = 4·N·3·T·S²`, the input clip;
/// - `weightBytes = 4·Σ` parameter and buffer elements (``ParameterLayout``);
/// - `peakActivationBytes = max over nodes of 4·(outputs still held + this node's output)`, the same liveness
///   ``Executor/run(_:checkFinite:observe:)`` uses (an output is held until its last reader has run; the input
///   node's output is the clip itself).
///
/// `totalBytes = weightBytes + peakActivationBytes`. Kernel scratch and the allocator's slack come on top, so it is
/// a lower bound on what a run needs.
public struct ExecutionFootprint: Equatable, Sendable {
  public let clipBytes: Int
  public let weightBytes: Int
  public let peakActivationBytes: Int

  public var totalBytes: Int {
    let (total, overflow) = weightBytes.addingReportingOverflow(peakActivationBytes)
    return overflow ? .max : total
  }

  public init(_ graph: LayerGraph) throws(ExecutorError) {
    func bytes(_ shape: TensorShape, _ what: String) throws(ExecutorError) -> Int {
      let (bytes, overflow) = try Tensor.elementCount(shape).multipliedReportingOverflow(by: 4)
      guard !overflow else { throw .tooLarge(what: what) }
      return bytes
    }
    clipBytes = try bytes(graph.input.outputShape, "the input clip \(graph.input.outputShape)")
    weightBytes = 4 * ParameterLayout(graph).slots.reduce(0) { $0 + $1.elementCount }
    var readers = [Int](repeating: 0, count: graph.nodes.count)
    for node in graph.nodes { for source in node.inputs { readers[source] += 1 } }
    var outputBytes = [Int](repeating: 0, count: graph.nodes.count)
    var held = 0
    var peak = 0
    for node in graph.nodes {
      outputBytes[node.index] = try bytes(node.outputShape, "the output of \(node.path)")
      let (live, overflow) = held.addingReportingOverflow(outputBytes[node.index])
      guard !overflow else { throw .tooLarge(what: "the activations held at \(node.path)") }
      peak = max(peak, live)
      held = live
      for source in node.inputs {
        readers[source] -= 1
        if readers[source] == 0 { held -= outputBytes[source] }
      }
    }
    peakActivationBytes = peak
  }
}
