import CostModel
import ReferenceExecutor
import X3DModel

/// One node where the executor's counted bytes and the formula's disagree.
struct TrafficDisagreement: CustomStringConvertible {
  var node: String
  var quantity: String
  var formula: Int
  var executor: Int

  var description: String {
    "\(node) \(quantity): formula \(formula), executor \(executor) (difference \(executor - formula))"
  }
}

/// Compares, node by node, the bytes the executor's kernels counted (reference backend, f32) with
/// ``MemoryTraffic`` at f32: bytes read and bytes written. Nodes are matched by position and must have the same
/// path; a different node count is itself a disagreement.
func trafficDisagreements(graph: LayerGraph, tally: ExecutionTally) throws -> [TrafficDisagreement] {
  var found: [TrafficDisagreement] = []
  if graph.nodes.count != tally.nodes.count {
    found.append(
      TrafficDisagreement(
        node: "graph", quantity: "node count", formula: graph.nodes.count, executor: tally.nodes.count))
  }
  for (node, counted) in zip(graph.nodes, tally.nodes) {
    let name = node.path.description
    if counted.path != node.path {
      found.append(TrafficDisagreement(node: name, quantity: "position", formula: node.index, executor: counted.index))
      continue
    }
    let traffic = try MemoryTraffic.of(node, elementType: .f32)
    if traffic.bytesRead != counted.bytesRead {
      found.append(
        TrafficDisagreement(node: name, quantity: "bytes read", formula: traffic.bytesRead, executor: counted.bytesRead)
      )
    }
    if traffic.bytesWritten != counted.bytesWritten {
      found.append(
        TrafficDisagreement(
          node: name, quantity: "bytes written", formula: traffic.bytesWritten, executor: counted.bytesWritten))
    }
  }
  return found
}

extension KernelCounter {
  /// The counts every backend keeps: the fast kernels do not count their activation reads (only the reference
  /// kernels, whose tally `verify` uses, do), so comparisons between backends leave them out.
  var withoutActivationReads: KernelCounter {
    var counts = self
    counts.activationElementsRead = 0
    return counts
  }
}
