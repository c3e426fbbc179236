import X3DModel

/// SIMD8 kernels on `threads` cores: 1×1×1 convolutions as register-tiled matrix products
/// (``PointwiseConvolution``), small dense and depthwise convolutions on padded planes (``DirectConvolution``), and
/// vectorised elementwise work. The small head operations (pool5, the classifier, softmax, the mean) reuse the
/// reference loops, as does any convolution shape the fast kernels do not cover.
///
/// Counting: multiply-adds are the products of the loop bounds the kernels run (padding taps are executed, so they
/// count), parameters are the weight and bias elements handed to the kernel, outputs the elements written. The
/// tally `verify` relies on is the reference backend's; tests hold this one to it.
public struct FastBackend: ExecutionBackend {
  public let threads: Int
  let reference = ReferenceBackend()

  /// `threads` cores (at least one). The first fast backend tunes the allocator (see ``Allocator``).
  public init(threads: Int = 2) {
    self.threads = max(1, threads)
    _ = Allocator.tuned
  }
  public var kind: BackendKind { .fast }

  public func convolution(_ x: Tensor, _ conv: Convolution, _ w: LayerWeights, _ counter: inout KernelCounter)
    -> Tensor
  {
    let y: Tensor
    if conv.kernel == .one && conv.groups == 1 && conv.padding == .zero {
      y = pointwise(x, conv, w)
    } else if let narrow = InterleavedDepthwise(x.shape, conv) {
      y = narrow.run(x, w, threads: threads)
    } else if let direct = DirectConvolution(x.shape, conv) {
      y = direct.run(x, w, threads: threads)
    } else {
      return reference.convolution(x, conv, w, &counter)
    }
    counter.macs += y.scalars.count * (conv.inChannels / conv.groups) * conv.kernel.volume
    counter.parametersRead += w.weight.count + (w.bias?.count ?? 0)
    counter.outputElements += y.scalars.count
    return y
  }

  private func pointwise(_ x: Tensor, _ conv: Convolution, _ w: LayerWeights) -> Tensor {
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
            for n in 0..<out.batch {
              PointwiseConvolution.run(
                x: xs.baseAddress! + n * conv.inChannels * positions, w: weights.baseAddress!, bias: b,
                y: y + n * conv.outChannels * positions, cin: conv.inChannels, cout: conv.outChannels,
                positions: positions, threads: threads)
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
    return mapRows(x, &counter) { row, input, output, count in
      let c = row % channels
      let (a, b) = (Vector(repeating: scale[c]), Vector(repeating: shift[c]))
      mapVectors(input, output, count) { $0 * a + b }
    }
  }

  public func relu(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    mapRows(x, &counter) { _, input, output, count in
      mapVectors(input, output, count) { $0.replacing(with: 0, where: $0 .< 0) }
    }
  }

  public func swish(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    mapRows(x, &counter) { _, input, output, count in
      mapVectors(input, output, count) { $0 * VectorMath.sigmoid($0) }
    }
  }

  public func sigmoid(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    mapRows(x, &counter) { _, input, output, count in mapVectors(input, output, count) { VectorMath.sigmoid($0) } }
  }

  public func globalAveragePool(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    let positions = x.shape.positions
    let rowsCount = x.shape.batch * x.shape.channels
    counter.outputElements += rowsCount
    return Tensor(shape: Shapes.squeezed(x.shape)) { y in
      x.scalars.withUnsafeBufferPointer { xs in
        parallelChunks(rowsCount, threads: threads, minimumChunk: 8) { range in
          for row in range {
            let p = xs.baseAddress! + row * positions
            var sum = Vector()
            var q = 0
            while q + 8 <= positions {
              sum += p.vector(q)
              q += 8
            }
            var total = sum.sum()
            while q < positions {
              total += p[q]
              q += 1
            }
            y[row] = total / Float(positions)
          }
        }
      }
    }
  }

  public func channelScale(_ x: Tensor, _ gate: Tensor, _ counter: inout KernelCounter) -> Tensor {
    mapRows(x, &counter) { row, input, output, count in
      let g = Vector(repeating: gate.scalars[row])
      mapVectors(input, output, count) { $0 * g }
    }
  }

  public func add(_ a: Tensor, _ b: Tensor, _ counter: inout KernelCounter) -> Tensor {
    let count = a.scalars.count
    counter.outputElements += count
    return Tensor(shape: a.shape) { y in
      a.scalars.withUnsafeBufferPointer { ap in
        b.scalars.withUnsafeBufferPointer { bp in
          let (pa, pb) = (ap.baseAddress!, bp.baseAddress!)
          parallelChunks(count / 8, threads: threads, minimumChunk: 4096) { range in
            for block in range { y.store(pa.vector(block * 8) + pb.vector(block * 8), block * 8) }
          }
          for i in (count / 8 * 8)..<count { y[i] = pa[i] + pb[i] }
        }
      }
    }
  }

  public func averagePool(_ x: Tensor, kernel: Triple, _ counter: inout KernelCounter) -> Tensor {
    reference.averagePool(x, kernel: kernel, &counter)
  }

  public func linear(_ x: Tensor, _ linear: Linear, _ w: LayerWeights, _ counter: inout KernelCounter) -> Tensor {
    reference.linear(x, linear, w, &counter)
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
