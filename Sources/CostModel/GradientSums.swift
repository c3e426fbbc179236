import X3DModel

/// Which reads of a tensor add to its gradient in the backward pass, node by node in execution order.
///
/// A tensor read by `r` nodes receives `r` gradients in backward, which runs the readers in reverse: the last
/// reader's gradient arrives first and becomes the tensor's gradient, and each earlier reader's is added to it,
/// `|t|` additions each. The additions are counted on those earlier readers (every reader but the last), so what a
/// node pays depends on which of its inputs a later node reads too, not on how many readers its own output has.
/// In X3D every tensor's readers lie in one block (a block's input: `branch2.a` and the shortcut or the residual
/// add; an SE input: the pool and the scale), so each copy of a block pays what its representative pays.
///
/// ``CostAccumulator`` gets the same numbers from its liveness walk (``LiveMemory``); this one stands alone
/// for ``TrainingTotals`` and graph walks.
public struct GradientSums: Sendable {
  /// Per live tensor (by producing node): readers still to run and elements.
  private var live: [Int: (readers: Int, elements: Int)] = [:]

  public init() {}

  /// Accounts for `node` and returns the elements of its inputs that a later node reads too: the additions its
  /// gradient contributions cost in backward.
  public mutating func run(_ node: LayerNode) throws(ConfigurationError) -> Int {
    let checked = Checked(path: node.path)
    var sums = 0
    for input in node.inputs {
      guard var tensor = live[input] else { continue }
      tensor.readers -= 1
      if tensor.readers > 0 {
        sums = try checked.sum(sums, tensor.elements)
        live[input] = tensor
      } else {
        live[input] = nil
      }
    }
    if node.consumerCount > 0 {
      live[node.index] = (node.consumerCount, try checked.elements(of: node, output: true))
    }
    return sums
  }
}
