import X3DModel

/// Vectorised kernels on `threads` cores: 1×1×1 convolutions as register-tiled matrix products
/// (``PointwiseConvolution``), small dense and depthwise convolutions on padded planes (``DirectConvolution``,
/// ``InterleavedDepthwise``) or, along `T` only, on the planes themselves (``TemporalDepthwise``), and vectorised
/// elementwise work. The loops themselves are C (target CKernels), in the instruction set ``kernels`` names; this
/// type splits the work over cores and counts. The classifier runs as a
/// 1×1×1 convolution; the small head operations (pool5, softmax, the mean) reuse the reference loops, as does any
/// convolution shape the fast kernels do not cover. Chains of nodes run fused (``FusionPlan``,
/// FastBackend+Fusion.swift).
///
/// Counting: multiply-adds are the products of the loop bounds the kernels run (padding taps are executed and
/// count; the temporal kernel skips its padding taps, which add zero, and counts them all the same), parameters
/// are the weight and bias elements handed to the kernel, outputs the elements written. The tally `verify` relies
/// on is the reference backend's; tests hold this one to it.
public struct FastBackend: ExecutionBackend {
  public let threads: Int
  /// The instruction set the kernels run with.
  public let kernels: KernelInstructionSet
  let table: KernelTable
  let reference = ReferenceBackend()

  /// `threads` cores (at least one), kernels of ``KernelInstructionSet/selected``. The first fast backend tunes the
  /// allocator (see ``Allocator``).
  public init(threads: Int = 2) {
    let set = KernelInstructionSet.selected
    self.init(threads: threads, set: set, table: set.table ?? KernelInstructionSet.portable.table!)
  }

  /// `threads` cores with the kernels of `kernels`; nil when this CPU or build cannot run them.
  public init?(threads: Int, kernels: KernelInstructionSet) {
    guard let table = kernels.table else { return nil }
    self.init(threads: threads, set: kernels, table: table)
  }

  private init(threads: Int, set: KernelInstructionSet, table: KernelTable) {
    self.threads = max(1, threads)
    self.kernels = set
    self.table = table
    _ = Allocator.tuned
  }

  public var kind: BackendKind { .fast }

  public func convolution(_ x: Tensor, _ conv: Convolution, _ w: LayerWeights, _ counter: inout KernelCounter)
    -> Tensor
  {
    guard Self.hasFastKernel(x.shape, conv) else { return reference.convolution(x, conv, w, &counter) }
    let y = convolve(x, conv, w, residual: nil, activation: .none)
    counter.macs += y.scalars.count * (conv.inChannels / conv.groups) * conv.kernel.volume
    counter.parametersRead += w.weight.count + (w.bias?.count ?? 0)
    counter.outputElements += y.scalars.count
    return y
  }

  /// Whether a C kernel covers this convolution (otherwise the reference loops run it).
  static func hasFastKernel(_ x: TensorShape, _ conv: Convolution) -> Bool {
    (conv.kernel == .one && conv.groups == 1 && conv.padding == .zero) || TemporalDepthwise(x, conv) != nil
      || InterleavedDepthwise(x, conv) != nil || DirectConvolution(x, conv) != nil
  }

  /// The convolution followed by the epilogue `activation(y + residual)`: in the kernel's registers where it has
  /// one (1×1×1, depthwise 3×3×3 planar or interleaved), else in place over each plane or the whole output right after.
  func convolve(
    _ x: Tensor, _ conv: Convolution, _ w: LayerWeights, residual: Tensor?, activation: FusedGroup.Activation
  ) -> Tensor {
    var y: Tensor
    var pending = residual != nil || activation != .none
    if conv.kernel == .one && conv.groups == 1 && conv.padding == .zero {
      y = pointwise(x, conv, w, residual: residual, activation: activation)
      pending = false
    } else if let temporal = TemporalDepthwise(x.shape, conv) {
      y = temporal.run(x, w, threads: threads, table.functions, activation: residual == nil ? activation : .none)
      pending = residual != nil
    } else if let narrow = InterleavedDepthwise(x.shape, conv) {
      y = narrow.run(x, w, threads: threads, table.functions, activation: residual == nil ? activation : .none)
      pending = residual != nil
    } else if let direct = DirectConvolution(x.shape, conv) {
      y = direct.run(
        x, w, threads: threads, table.functions, activation: residual == nil ? activation : .none)
      pending = residual != nil
    } else {
      var scratch = KernelCounter()
      y = reference.convolution(x, conv, w, &scratch)
    }
    if pending { epilogue(&y, residual, activation) }
    return y
  }

  /// In place, `y = activation(y + residual)`, in parallel chunks.
  func epilogue(_ y: inout Tensor, _ residual: Tensor?, _ activation: FusedGroup.Activation) {
    let count = y.scalars.count
    let epilogue = table.functions.epilogue!
    let threads = threads
    y.scalars.withUnsafeMutableBufferPointer { ys in
      residual.map(\.scalars).withUnsafeBufferPointerIfPresent { r in
        let yp = ys.baseAddress!
        parallelChunks(count, threads: threads, minimumChunk: 16_384) { range in
          epilogue(yp + range.lowerBound, r.map { $0 + range.lowerBound }, range.count, activation.rawValue)
        }
      }
    }
  }

  /// The 1×1×1 convolution; with `inputScale` (`N × Cin`, a squeeze-excitation gate) or `inputActivation`, of the
  /// transformed input `inputActivation(x[n][ci][p] · inputScale[n][ci])`, computed as the kernel copies its panels
  /// (at least 4 output positions; see ``PointwiseConvolution``).
  func pointwise(
    _ x: Tensor, _ conv: Convolution, _ w: LayerWeights, residual: Tensor?, activation: FusedGroup.Activation,
    inputScale: Tensor? = nil, inputActivation: FusedGroup.Activation = .none
  ) -> Tensor {
    var source = x
    if conv.stride != .one {
      // Gather the strided positions into a contiguous tensor first.
      var shape = Shapes.convolution(x.shape, conv)!
      shape.channels = x.shape.channels
      let i = x.shape
      source = Tensor(shape: shape) { out in
        var index = 0
        for row in 0..<(i.batch * i.channels) {
          for t in 0..<shape.frames {
            for h in 0..<shape.height {
              let base = ((row * i.frames + t * conv.stride.t) * i.height + h * conv.stride.h) * i.width
              for w in 0..<shape.width {
                out[index] = x.scalars[base + w * conv.stride.w]
                index += 1
              }
            }
          }
        }
      }
    }
    var out = source.shape
    out.channels = conv.outChannels
    let positions = out.positions
    return Tensor(shape: out) { y in
      source.scalars.withUnsafeBufferPointer { xs in
        w.weight.withUnsafeBufferPointer { weights in
          let bias = w.bias
          bias.withUnsafeBufferPointerIfPresent { b in
            residual.map(\.scalars).withUnsafeBufferPointerIfPresent { r in
              inputScale.map(\.scalars).withUnsafeBufferPointerIfPresent { g in
                for n in 0..<out.batch {
                  PointwiseConvolution.run(
                    x: xs.baseAddress! + n * conv.inChannels * positions, w: weights.baseAddress!, bias: b,
                    y: y + n * conv.outChannels * positions, cin: conv.inChannels, cout: conv.outChannels,
                    positions: positions, threads: threads, table.functions,
                    residual: r.map { $0 + n * conv.outChannels * positions }, activation: activation,
                    inputScale: g.map { $0 + n * conv.inChannels }, inputActivation: inputActivation)
                }
              }
            }
          }
        }
      }
    }
  }

  public func batchNorm(_ x: Tensor, _ w: NormWeights, _ counter: inout KernelCounter) -> Tensor {
    let channels = x.shape.channels
    let scale = (0..<channels).map { w.scale[$0] / (w.variance[$0] + w.epsilon).squareRoot() }
    let shift = (0..<channels).map { w.shift[$0] - w.mean[$0] * scale[$0] }
    counter.parametersRead += 2 * channels
    counter.buffersRead += 2 * channels
    let affine = table.functions.affine!
    return mapRows(x, &counter) { row, input, output, count in
      affine(input, output, count, scale[row % channels], shift[row % channels])
    }
  }

  public func relu(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    let relu = table.functions.relu!
    return mapRows(x, &counter) { _, input, output, count in relu(input, output, count) }
  }

  public func swish(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    let swish = table.functions.swish!
    return mapRows(x, &counter) { _, input, output, count in swish(input, output, count) }
  }

  public func sigmoid(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    let sigmoid = table.functions.sigmoid!
    return mapRows(x, &counter) { _, input, output, count in sigmoid(input, output, count) }
  }

  public func globalAveragePool(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    let positions = x.shape.positions
    let rowsCount = x.shape.batch * x.shape.channels
    counter.outputElements += rowsCount
    let sum = table.functions.sum!
    return Tensor(shape: Shapes.squeezed(x.shape)) { y in
      x.scalars.withUnsafeBufferPointer { xs in
        parallelChunks(rowsCount, threads: threads, minimumChunk: 8) { range in
          for row in range { y[row] = sum(xs.baseAddress! + row * positions, positions) / Float(positions) }
        }
      }
    }
  }

  public func channelScale(_ x: Tensor, _ gate: Tensor, _ counter: inout KernelCounter) -> Tensor {
    let scale = table.functions.scale!
    return mapRows(x, &counter) { row, input, output, count in scale(input, output, count, gate.scalars[row]) }
  }

  public func add(_ a: Tensor, _ b: Tensor, _ counter: inout KernelCounter) -> Tensor {
    let count = a.scalars.count
    counter.outputElements += count
    let add = table.functions.add!
    return Tensor(shape: a.shape) { y in
      a.scalars.withUnsafeBufferPointer { ap in
        b.scalars.withUnsafeBufferPointer { bp in
          let (pa, pb) = (ap.baseAddress!, bp.baseAddress!)
          // Chunks of whole eight-element blocks; the last chunk also takes the tail (all of it when count < 8).
          let blocks = count / 8
          parallelChunks(blocks, threads: threads, minimumChunk: 4096) { range in
            let end = range.upperBound == blocks ? count : range.upperBound * 8
            add(
              pa + range.lowerBound * 8, pb + range.lowerBound * 8, y + range.lowerBound * 8, end - range.lowerBound * 8
            )
          }
        }
      }
    }
  }

  public func averagePool(_ x: Tensor, kernel: Triple, _ counter: inout KernelCounter) -> Tensor {
    reference.averagePool(x, kernel: kernel, &counter)
  }

  /// The classifier as a 1×1×1 convolution (the same `[out][in]` weights at every position).
  public func linear(_ x: Tensor, _ linear: Linear, _ w: LayerWeights, _ counter: inout KernelCounter) -> Tensor {
    let conv = Convolution(inChannels: linear.inFeatures, outChannels: linear.outFeatures, hasBias: w.bias != nil)
    return convolution(x, conv, w, &counter)
  }

  public func softmax(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    reference.softmax(x, &counter)
  }

  public func positionMean(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    reference.positionMean(x, &counter)
  }
}

extension Optional where Wrapped == [Float] {
  /// Calls `body` with the array's base address, or nil.
  func withUnsafeBufferPointerIfPresent<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
    switch self {
    case .some(let array): array.withUnsafeBufferPointer { body($0.baseAddress) }
    case .none: body(nil)
    }
  }
}
