/// A node's output as the builder tracks it: which node produced it and its shape (a handle, no data).
@usableFromInline
struct NodeOutput {
  @usableFromInline var index: Int
  @usableFromInline var shape: TensorShape

  @inlinable
  init(index: Int, shape: TensorShape) {
    self.index = index
    self.shape = shape
  }
}

/// Numbers nodes, infers convolution shapes and forwards each node to the sink. Shape inference lives here.
///
/// The emitter writes through a pointer to the caller's sink (valid while the builder's `emit` runs), so a sink
/// with large state (the cost trackers' live tensors) is never copied in and out.
@usableFromInline
struct Emitter<Sink: LayerSink> {
  @usableFromInline let sinkPointer: UnsafeMutablePointer<Sink>
  @usableFromInline var nextIndex = 0
  @usableFromInline var repeatCount = 1

  @inlinable
  init(sink: UnsafeMutablePointer<Sink>) { self.sinkPointer = sink }

  @inlinable
  var sink: Sink {
    @inline(__always) _read { yield sinkPointer.pointee }
    @inline(__always) nonmutating _modify { yield &sinkPointer.pointee }
  }

  @inlinable @inline(__always)
  mutating func add(
    _ path: NodePath, _ kind: LayerKind, inputs: NodeInputs, from input: TensorShape,
    to output: TensorShape,
    consumers: Int
  ) throws(ConfigurationError) -> NodeOutput {
    do {
      _ = try output.elementCount()
    } catch {
      throw .overflow(node: path.description, quantity: "output element count \(output)")
    }
    let node = LayerNode(
      index: nextIndex, path: path, kind: kind, inputs: inputs, inputShape: input,
      outputShape: output,
      consumerCount: consumers, repeatCount: repeatCount)
    try sink.receive(node)
    nextIndex += 1
    return NodeOutput(index: node.index, shape: output)
  }

  /// A shape-preserving node reading one tensor.
  @inlinable @inline(__always)
  mutating func elementwise(_ path: NodePath, _ kind: LayerKind, _ x: NodeOutput, consumers: Int = 1)
    throws(ConfigurationError) -> NodeOutput
  {
    try add(path, kind, inputs: .one(x.index), from: x.shape, to: x.shape, consumers: consumers)
  }

  /// A convolution; its output shape is `floor((n + 2p − k)/s) + 1` along each axis.
  @inlinable @inline(__always)
  mutating func convolution(_ path: NodePath, _ x: NodeOutput, _ conv: Convolution, consumers: Int = 1)
    throws(ConfigurationError) -> NodeOutput
  {
    var out = x.shape
    out.channels = conv.outChannels
    out.frames = try Self.extent(
      x.shape.frames, conv.kernel.t, conv.stride.t, conv.padding.t, "time", path)
    out.height = try Self.extent(
      x.shape.height, conv.kernel.h, conv.stride.h, conv.padding.h, "height", path)
    out.width = try Self.extent(
      x.shape.width, conv.kernel.w, conv.stride.w, conv.padding.w, "width", path)
    return try add(
      path, .convolution(conv), inputs: .one(x.index), from: x.shape, to: out, consumers: consumers)
  }

  @inlinable @inline(__always)
  static func extent(
    _ n: Int, _ kernel: Int, _ stride: Int, _ padding: Int, _ axis: String, _ path: NodePath
  ) throws(ConfigurationError) -> Int {
    guard
      let extent = Convolution.outputExtent(
        input: n, kernel: kernel, stride: stride, padding: padding)
    else {
      throw .zeroExtent(node: path.description, axis: axis, input: n, kernel: kernel)
    }
    return extent
  }
}
