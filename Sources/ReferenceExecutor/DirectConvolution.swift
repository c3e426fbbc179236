import X3DModel

/// Dense and depthwise 3-D convolutions with a small kernel (the stem's 1×3×3 and 5×1×1, the blocks' 3×3×3), run
/// directly on zero-padded copies of the input planes.
///
/// Each input channel is copied into a padded volume (for a horizontal stride of 2 its rows are split into even
/// and odd columns), so every tap of every window is executed, padding included, and eight outputs along `W` are
/// computed at once with `acc += x · w`. Temporal stride 1 and horizontal stride 1 or 2 only; other shapes return
/// nil and the caller falls back to the reference loops.
struct DirectConvolution {
  let input: TensorShape
  let output: TensorShape
  let conv: Convolution
  /// Padded volume: frames, rows, and the row length in floats.
  let paddedFrames: Int
  let paddedRows: Int
  let rowLength: Int
  /// Offset of the odd columns within a row (stride 2).
  let oddOffset: Int

  init?(_ input: TensorShape, _ conv: Convolution) {
    guard let output = Shapes.convolution(input, conv), conv.stride.t == 1, conv.stride.w == 1 || conv.stride.w == 2,
      conv.groups == 1 || (conv.groups == conv.inChannels && conv.groups == conv.outChannels)
    else { return nil }
    self.input = input
    self.output = output
    self.conv = conv
    paddedFrames = input.frames + 2 * conv.padding.t
    paddedRows = input.height + 2 * conv.padding.h
    let paddedWidth = input.width + 2 * conv.padding.w
    if conv.stride.w == 1 {
      oddOffset = 0
      rowLength = paddedWidth + 8
    } else {
      oddOffset = (paddedWidth + 1) / 2 + 8
      rowLength = oddOffset + paddedWidth / 2 + 8
    }
  }

  var volume: Int { paddedFrames * paddedRows * rowLength }

  /// Copies one input channel `(T, H, W)` into `padded` (zeroed first).
  func pad(_ plane: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>) {
    padded.initialize(repeating: 0, count: volume)
    let (pt, ph, pw) = (conv.padding.t, conv.padding.h, conv.padding.w)
    for t in 0..<input.frames {
      for h in 0..<input.height {
        let source = plane + (t * input.height + h) * input.width
        let row = padded + ((t + pt) * paddedRows + h + ph) * rowLength
        if conv.stride.w == 1 {
          (row + pw).update(from: source, count: input.width)
        } else {
          for w in 0..<input.width {
            let column = w + pw
            row[(column & 1) * oddOffset + column >> 1] = source[w]
          }
        }
      }
    }
  }

  /// Accumulates the windows of one padded input channel, weighted by `kernel` (`kt·kh·kw` taps), into the output
  /// plane `out`, which holds the bias or earlier channels' sums (`accumulate`) or is overwritten.
  @inline(__always)
  func apply(
    _ padded: UnsafePointer<Float>, _ kernel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
    start: Float, accumulate: Bool
  ) {
    let (k, sh) = (conv.kernel, conv.stride.h)
    let strideTwo = conv.stride.w == 2
    let width = output.width
    for to in 0..<output.frames {
      for ho in 0..<output.height {
        let target = out + (to * output.height + ho) * width
        var wo = 0
        while wo < width {
          let lanes = min(8, width - wo)
          var acc =
            accumulate ? (lanes == 8 ? target.vector(wo) : partial(target + wo, lanes)) : Vector(repeating: start)
          var tap = 0
          for kt in 0..<k.t {
            for kh in 0..<k.h {
              let row = padded + ((to + kt) * paddedRows + ho * sh + kh) * rowLength
              for kw in 0..<k.w {
                let offset = strideTwo ? (kw & 1) * oddOffset + wo + kw >> 1 : wo + kw
                acc += row.vector(offset) * Vector(repeating: kernel[tap])
                tap += 1
              }
            }
          }
          if lanes == 8 { target.store(acc, wo) } else { target.store(acc, wo, count: lanes) }
          wo += 8
        }
      }
    }
  }

  @inline(__always) private func partial(_ p: UnsafeMutablePointer<Float>, _ lanes: Int) -> Vector {
    var v = Vector()
    for lane in 0..<lanes { v[lane] = p[lane] }
    return v
  }

  /// Runs the convolution on every sample and channel.
  func run(_ x: Tensor, _ w: LayerWeights, threads: Int) -> Tensor {
    let taps = conv.kernel.volume
    let inPlane = input.positions
    let outPlane = output.positions
    let depthwise = conv.groups > 1
    return Tensor(shape: output) { y in
      x.scalars.withUnsafeBufferPointer { xs in
        w.weight.withUnsafeBufferPointer { weights in
          let (x, weights) = (xs.baseAddress!, weights.baseAddress!)
          if depthwise {
            parallelChunks(output.batch * output.channels, threads: threads) { planes in
              let padded = UnsafeMutablePointer<Float>.allocate(capacity: volume)
              defer { padded.deallocate() }
              for plane in planes {
                let c = plane % output.channels
                pad(x + plane * inPlane, into: padded)
                apply(padded, weights + c * taps, y + plane * outPlane, start: w.bias?[c] ?? 0, accumulate: false)
              }
            }
          } else {
            let cin = input.channels
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: volume * cin)
            defer { padded.deallocate() }
            for n in 0..<output.batch {
              for ci in 0..<cin { pad(x + (n * cin + ci) * inPlane, into: padded + ci * volume) }
              parallelChunks(output.channels, threads: threads) { channels in
                for co in channels {
                  let out = y + (n * output.channels + co) * outPlane
                  for ci in 0..<cin {
                    apply(
                      padded + ci * volume, weights + (co * cin + ci) * taps, out, start: w.bias?[co] ?? 0,
                      accumulate: ci > 0)
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
