import X3DModel

extension FastBackend: FusingBackend {
  /// Every chain ``FusionPlan`` finds, BatchNorm folded into the convolutions' weights.
  public func fusionPlan(_ graph: LayerGraph, _ weights: ModelWeights) -> FusionPlan { FusionPlan(graph, weights) }

  /// One kernel for the group; each member counted as its own node would be: the convolution its multiply-adds
  /// (loop bounds, padding taps included), the weight and bias elements of the graph's convolution and its
  /// outputs; a folded BatchNorm its γ and β (parameters) and running mean and variance (buffers), which the folded
  /// weights and bias carry; the add and the activations their outputs. An input transform's scale and activation
  /// count their outputs, the size of the convolution's input (the transformed tensor itself is never written).
  public func runFused(_ group: FusedGroup, _ inputs: [Tensor]) -> (Tensor, [KernelCounter]) {
    var counters = [KernelCounter](repeating: KernelCounter(), count: group.members.count)
    let y: Tensor
    switch group.producer {
    case .convolution(let conv, let w, let parameters):
      let residual = group.residual == nil ? nil : inputs.last
      if let inputActivation = group.inputActivation {
        let (x, gate) = (inputs[0], inputs[1])
        y = transformedConvolution(x, gate, inputActivation, conv, w, residual: residual, group.activation)
        for (position, role) in group.roles.enumerated() where role == .inputScale || role == .inputActivation {
          counters[position].outputElements = x.scalars.count
        }
      } else {
        y = convolve(inputs[0], conv, w, residual: residual, activation: group.activation)
      }
      let producer = group.roles.firstIndex(of: .producer)!
      counters[producer].macs = y.scalars.count * (conv.inChannels / conv.groups) * conv.kernel.volume
      counters[producer].parametersRead = parameters
    case .channelScale:
      let (x, gate) = (inputs[0], inputs[1])
      let scaleSwish = table.functions.scale_swish!
      var scratch = KernelCounter()
      y = mapRows(x, &scratch) { row, input, output, count in scaleSwish(input, output, count, gate.scalars[row]) }
    }
    for (position, role) in group.roles.enumerated() where role != .inputScale && role != .inputActivation {
      counters[position].outputElements = y.scalars.count
      if case .batchNorm(let channels) = role {
        counters[position].parametersRead = 2 * channels
        counters[position].buffersRead = 2 * channels
      }
    }
    return (y, counters)
  }

  /// The convolution of `inputActivation(x · gate[n, c])`: in the 1×1×1 kernel's panel copy when it covers the
  /// shape (stride 1, at least 4 positions), else on the transformed tensor, materialised first.
  func transformedConvolution(
    _ x: Tensor, _ gate: Tensor, _ inputActivation: FusedGroup.Activation, _ conv: Convolution, _ w: LayerWeights,
    residual: Tensor?, _ activation: FusedGroup.Activation
  ) -> Tensor {
    if conv.kernel == .one, conv.groups == 1, conv.padding == .zero, conv.stride == .one, x.shape.positions >= 4 {
      return pointwise(
        x, conv, w, residual: residual, activation: activation, inputScale: gate, inputActivation: inputActivation)
    }
    let scale = table.functions.scale!
    var scratch = KernelCounter()
    var scaled = mapRows(x, &scratch) { row, input, output, count in scale(input, output, count, gate.scalars[row]) }
    if inputActivation != .none { epilogue(&scaled, nil, inputActivation) }
    return convolve(scaled, conv, w, residual: residual, activation: activation)
  }
}
