/// Builds the X3D network as a sequence of ``LayerNode``s, in PyTorch's execution order (x3d-reference.md §4).
///
/// ```
/// stem:   conv_xy 1×3×3 /2 → conv 5×1×1 dw → bn → relu
/// block:  x ─┬─ a 1×1×1 → bn → relu → b 3×3×3 dw /s → bn → [se] → swish → c 1×1×1 → bn ─┐
///            └─ [branch1 1×1×1 /s → bn] ───────────────────────────────────────────────── + → relu
/// se:     x ─┬─ avg_pool → fc1 → relu → fc2 → sigmoid ─┐
///            └──────────────────────────────────────── × →
/// head:   conv_5 → bn → relu → avg_pool (T, ⌈S/32⌉, ⌈S/32⌉) → lin_5 → relu → projection → softmax → mean
/// ```
/// With ``Schedule`` (which blocks repeat), this is the only place that knows how X3D is wired.
public struct X3DBuilder: Sendable {
  public let configuration: ModelConfiguration
  public let architecture: X3DArchitecture

  public init(_ configuration: ModelConfiguration) throws(ConfigurationError) {
    self.configuration = configuration
    self.architecture = try X3DArchitecture(configuration)
  }

  /// The input clip `(N, 3, T, S, S)` at the evaluated crop.
  public var inputShape: TensorShape {
    let crop = configuration.evaluatedCrop
    return TensorShape(batch: configuration.batch, channels: 3, frames: configuration.frames, height: crop, width: crop)
  }

  /// Sends every node, in execution order, to `sink`.
  @inlinable
  public func emit<Sink: LayerSink>(into sink: inout Sink, granularity: Granularity) throws(ConfigurationError) {
    try withUnsafeMutablePointer(to: &sink) { sink throws(ConfigurationError) in
      var emitter = Emitter(sink: sink)
      try emit(granularity, &emitter)
    }
  }

  @inlinable
  func emit<Sink: LayerSink>(_ granularity: Granularity, _ emitter: inout Emitter<Sink>) throws(ConfigurationError) {
    let clip = try emitter.add(
      NodePath(stage: .input, component: .input), .input, inputs: .none, from: inputShape, to: inputShape,
      consumers: 1)
    var x = try stem(clip, &emitter)
    for (stageIndex, stage) in architecture.stages.enumerated() {
      let isLastStage = stageIndex == architecture.stages.count - 1
      let blocks = Self.blocks(of: stage, granularity)
      for (block, repeats) in blocks {
        let isLastBlock = isLastStage && block == blocks.last
        let outputConsumers = isLastBlock ? 1 : 2
        if Schedule.repeatedBlock(of: block) != nil,
          let written = try emitter.sink.repeatBlock(
            block, of: stage.id, firstIndex: emitter.nextIndex, outputConsumers: outputConsumers)
        {
          // The sink wrote block − 2's nodes again, renumbered; the block's output has the stage's shape, like x.
          emitter.nextIndex += written
          x = NodeOutput(index: emitter.nextIndex - 1, shape: x.shape)
          continue
        }
        emitter.repeatCount = repeats
        x = try residualBlock(
          stage, block, x, inWidth: architecture.inputWidth(stage: stageIndex, block: block),
          outputConsumers: outputConsumers, &emitter)
        emitter.repeatCount = 1
      }
    }
    _ = try head(x, &emitter)
  }

  /// A part of the network emitted on its own, so that a caller can price it once and reuse the result: one
  /// ``Schedule/Slot`` reading a tensor of shape `input`.
  ///
  /// Every tensor that crosses a segment boundary is the one block input (or stem output): inside the full graph,
  /// when a block starts, only its input is live. A block or head segment therefore starts with a stand-in input
  /// node (kind ``LayerKind/input``, ``LayerNode/repeatCount`` 0, read as often as the segment reads it), so the
  /// segment's liveness is that of the full graph while it runs, and the stand-in adds no cost and no copies.
  /// Segment nodes have `repeatCount` 1; node indices restart at 0.
  public struct Segment: Hashable, Sendable {
    public var slot: Schedule.Slot
    /// The shape the segment reads (the stem: the clip).
    public var input: TensorShape

    public init(_ slot: Schedule.Slot, input: TensorShape) {
      self.slot = slot
      self.input = input
    }
  }

  /// The stem's segment, reading the clip.
  public var stemSegment: Segment { Segment(.stem, input: inputShape) }

  /// Sends the nodes of one ``Segment`` to `sink` and returns the shape of the segment's output.
  @inlinable @discardableResult
  public func emit<Sink: LayerSink>(_ segment: Segment, into sink: inout Sink) throws(ConfigurationError)
    -> TensorShape
  {
    try withUnsafeMutablePointer(to: &sink) { sink throws(ConfigurationError) in
      var emitter = Emitter(sink: sink)
      return try emit(segment, &emitter)
    }
  }

  @inlinable
  func emit<Sink: LayerSink>(_ segment: Segment, _ emitter: inout Emitter<Sink>) throws(ConfigurationError)
    -> TensorShape
  {
    func standIn(_ shape: TensorShape, readers: Int) throws(ConfigurationError) -> NodeOutput {
      emitter.repeatCount = 0
      defer { emitter.repeatCount = 1 }
      return try emitter.add(
        NodePath(stage: .input, component: .input), .input, inputs: .none, from: shape, to: shape,
        consumers: readers)
    }
    switch segment.slot {
    case .stem:
      let clip = try emitter.add(
        NodePath(stage: .input, component: .input), .input, inputs: .none, from: segment.input,
        to: segment.input, consumers: 1)
      return try stem(clip, &emitter).shape
    case .block(let stageIndex, let distinct):
      // A block reads its input twice: branch2.a, and the projection shortcut or the residual add.
      let x = try standIn(segment.input, readers: 2)
      return try residualBlock(
        architecture.stages[stageIndex], distinct, x,
        inWidth: architecture.inputWidth(stage: stageIndex, block: distinct), outputConsumers: 2, &emitter
      ).shape
    case .head:
      let x = try standIn(segment.input, readers: 1)
      return try head(x, &emitter).shape
    }
  }

  /// Everything the nodes of `segment` depend on, so everything its cost depends on: which slot, the shape it
  /// reads, the widths it uses and the implementation variant. Equal descriptions mean equal nodes, apart from
  /// node paths (which name the stage and block, and matter only in error messages).
  public func description(of segment: Segment) -> SegmentDescription {
    let a = architecture
    var d = SegmentDescription(
      position: Schedule.position(of: segment.slot), input: segment.input,
      implementation: configuration.implementation)
    switch segment.slot {
    case .stem:
      d.width = a.stemWidth
    case .block(let stage, let distinct):
      let s = a.stages[stage]
      d.inWidth = a.inputWidth(stage: stage, block: distinct)
      d.width = s.width
      d.innerWidth = s.innerWidth
      d.squeezeWidth = s.squeezeWidth
    case .head:
      d.width = a.stages[Schedule.stageCount - 1].width
      d.innerWidth = a.headInnerWidth
      d.headOutWidth = a.headOutWidth
      d.classes = a.classes
      d.poolKernel = a.poolKernel
    }
    return d
  }

  /// The blocks to emit for a stage and how many blocks each stands for.
  @inlinable
  static func blocks(of stage: X3DArchitecture.Stage, _ granularity: Granularity) -> BlockSchedule {
    BlockSchedule(blocks: stage.blocks, granularity: granularity)
  }

  @inlinable
  func stem(_ clip: NodeOutput, _ e: inout Emitter<some LayerSink>) throws(ConfigurationError) -> NodeOutput {
    let width = architecture.stemWidth
    func path(_ c: Component) -> NodePath { NodePath(stage: .stem, component: c) }
    let xy = try e.convolution(
      path(.stemConvXY), clip,
      Convolution(
        inChannels: 3, outChannels: width, kernel: Triple(1, 3, 3), stride: Triple(1, 2, 2),
        padding: Triple(0, 1, 1)))
    let t = try e.convolution(
      path(.stemConvT), xy,
      Convolution(
        inChannels: width, outChannels: width, kernel: Triple(5, 1, 1), padding: Triple(2, 0, 0), groups: width))
    let bn = try e.elementwise(path(.stemNorm), .batchNorm, t)
    return try e.elementwise(path(.stemReLU), .relu, bn, consumers: 2)
  }

  @inlinable
  func residualBlock(
    _ stage: X3DArchitecture.Stage, _ block: Int, _ x: NodeOutput, inWidth: Int, outputConsumers: Int,
    _ e: inout Emitter<some LayerSink>
  ) throws(ConfigurationError) -> NodeOutput {
    func path(_ c: Component) -> NodePath { NodePath(stage: stage.id, block: block, component: c) }
    let stride = block == 0 ? 2 : 1
    let needsProjection = inWidth != stage.width || stride != 1
    let projectionNorm =
      needsProjection
      && (configuration.implementation.hasShortcutNormWhenWidthsEqual || inWidth != stage.width)

    func shortcut(_ e: inout Emitter<some LayerSink>) throws(ConfigurationError) -> NodeOutput {
      guard needsProjection else { return x }
      let conv = try e.convolution(
        path(.shortcut), x,
        Convolution(inChannels: inWidth, outChannels: stage.width, stride: Triple(1, stride, stride)))
      guard projectionNorm else { return conv }
      return try e.elementwise(path(.shortcutNorm), .batchNorm, conv)
    }

    var early: NodeOutput? = nil
    if configuration.implementation.evaluatesShortcutFirst && needsProjection { early = try shortcut(&e) }

    let inner = stage.innerWidth
    let a = try e.convolution(path(.a), x, Convolution(inChannels: inWidth, outChannels: inner))
    let aNorm = try e.elementwise(path(.aNorm), .batchNorm, a)
    let aReLU = try e.elementwise(path(.aReLU), .relu, aNorm)
    let b = try e.convolution(
      path(.b), aReLU,
      Convolution(
        inChannels: inner, outChannels: inner, kernel: Triple(3, 3, 3), stride: Triple(1, stride, stride),
        padding: Triple(1, 1, 1), groups: inner))
    let hasSqueeze = Schedule.hasSqueezeExcitation(block: block)
    var excited = try e.elementwise(path(.bNorm), .batchNorm, b, consumers: hasSqueeze ? 2 : 1)
    if hasSqueeze {
      excited = try squeezeExcitation(excited, inner: inner, squeeze: stage.squeezeWidth, path, &e)
    }
    let swish = try e.elementwise(path(.bSwish), .swish, excited)
    let c = try e.convolution(path(.c), swish, Convolution(inChannels: inner, outChannels: stage.width))
    let cNorm = try e.elementwise(path(.cNorm), .batchNorm, c)

    let residual: NodeOutput
    if let early { residual = early } else { residual = try shortcut(&e) }
    let sum = try e.add(
      path(.add), .residualAdd, inputs: .two(residual.index, cNorm.index), from: residual.shape, to: cNorm.shape,
      consumers: 1)
    return try e.elementwise(path(.blockReLU), .relu, sum, consumers: outputConsumers)
  }

  @inlinable
  func squeezeExcitation(
    _ x: NodeOutput, inner: Int, squeeze: Int, _ path: (Component) -> NodePath, _ e: inout Emitter<some LayerSink>
  ) throws(ConfigurationError) -> NodeOutput {
    var pooledShape = x.shape
    (pooledShape.frames, pooledShape.height, pooledShape.width) = (1, 1, 1)
    let pooled = try e.add(
      path(.sePool), .globalAveragePool, inputs: .one(x.index), from: x.shape, to: pooledShape, consumers: 1)
    let fc1 = try e.convolution(
      path(.seFC1), pooled, Convolution(inChannels: inner, outChannels: squeeze, hasBias: true))
    let relu = try e.elementwise(path(.seReLU), .relu, fc1)
    let fc2 = try e.convolution(
      path(.seFC2), relu, Convolution(inChannels: squeeze, outChannels: inner, hasBias: true))
    let gate = try e.elementwise(path(.seSigmoid), .sigmoid, fc2)
    return try e.add(
      path(.seScale), .channelScale, inputs: .two(x.index, gate.index), from: x.shape, to: x.shape, consumers: 1)
  }

  @inlinable
  func head(_ x: NodeOutput, _ e: inout Emitter<some LayerSink>) throws(ConfigurationError) -> NodeOutput {
    func path(_ c: Component) -> NodePath { NodePath(stage: .head, component: c) }
    let a = architecture
    let conv5 = try e.convolution(
      path(.conv5), x, Convolution(inChannels: a.stages[Schedule.stageCount - 1].width, outChannels: a.headInnerWidth))
    let norm = try e.elementwise(path(.conv5Norm), .batchNorm, conv5)
    let relu = try e.elementwise(path(.conv5ReLU), .relu, norm)
    var pooledShape = relu.shape
    pooledShape.frames = try Self.extent(relu.shape.frames, a.poolKernel.t, "time", path(.pool5))
    pooledShape.height = try Self.extent(relu.shape.height, a.poolKernel.h, "height", path(.pool5))
    pooledShape.width = try Self.extent(relu.shape.width, a.poolKernel.w, "width", path(.pool5))
    let pool = try e.add(
      path(.pool5), .averagePool(kernel: a.poolKernel), inputs: .one(relu.index), from: relu.shape, to: pooledShape,
      consumers: 1)
    let fc1 = try e.convolution(
      path(.fc1), pool, Convolution(inChannels: a.headInnerWidth, outChannels: a.headOutWidth))
    let fc1ReLU = try e.elementwise(path(.fc1ReLU), .relu, fc1)
    var scoresShape = fc1ReLU.shape
    scoresShape.channels = a.classes
    let scores = try e.add(
      path(.fc2), .linear(Linear(inFeatures: a.headOutWidth, outFeatures: a.classes)),
      inputs: .one(fc1ReLU.index), from: fc1ReLU.shape, to: scoresShape, consumers: 1)
    let softmax = try e.elementwise(path(.softmax), .softmax, scores)
    return try e.add(
      path(.mean), .positionMean, inputs: .one(softmax.index), from: softmax.shape,
      to: .flat(batch: softmax.shape.batch, channels: a.classes), consumers: 0)
  }

  /// Output extent of a window of `kernel` (stride 1, no padding), or a `zeroExtent` error naming the node.
  @inlinable
  static func extent(_ input: Int, _ kernel: Int, _ axis: String, _ path: NodePath) throws(ConfigurationError) -> Int {
    guard let extent = Convolution.outputExtent(input: input, kernel: kernel, stride: 1, padding: 0) else {
      throw .zeroExtent(node: path.description, axis: axis, input: input, kernel: kernel)
    }
    return extent
  }
}
