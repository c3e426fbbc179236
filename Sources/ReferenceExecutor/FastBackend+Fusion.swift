import X3DModel

extension FastBackend: FusingBackend {
  /// Every chain ``FusionPlan`` finds, BatchNorm folded into the convolutions' weights.
  public func fusionPlan(_ graph: LayerGraph, _ weights: ModelWeights) -> FusionPlan { FusionPlan(graph, weights) }

  /// One kernel for the group; each member counted as its own node would be: the convolution its multiply-adds
  /// (loop bounds, padding taps included), the weight and bias elements of the graph's convolution and its
  /// outputs; a folded BatchNorm its γ and β (parameters) and running mean and variance (buffers), which the folded
  /// weights and bias carry; the add and the activations their outputs.
  public func runFused(_ group: FusedGroup, _ inputs: [Tensor]) -> (Tensor, [KernelCounter]) {
    var counters = [KernelCounter](repeating: KernelCounter(), count: group.members.count)
    let y: Tensor
    switch group.producer {
    case .convolution(let conv, let w, let parameters):
      let x = inputs[0]
      y = convolve(x, conv, w, residual: group.residual == nil ? nil : inputs[1], activation: group.activation)
      counters[0].macs = y.scalars.count * (conv.inChannels / conv.groups) * conv.kernel.volume
      counters[0].parametersRead = parameters
    case .channelScale:
      let (x, gate) = (inputs[0], inputs[1])
      let scaleSwish = table.functions.scale_swish!
      var scratch = KernelCounter()
      y = mapRows(x, &scratch) { row, input, output, count in scaleSwish(input, output, count, gate.scalars[row]) }
    }
    for (position, role) in group.roles.enumerated() {
      counters[position].outputElements = y.scalars.count
      if case .batchNorm(let channels) = role {
        counters[position].parametersRead = 2 * channels
        counters[position].buffersRead = 2 * channels
      }
    }
    return (y, counters)
  }
}
