import X3DModel

/// Dense and depthwise 3-D convolutions with a small kernel (the stem's 1×3×3 and 5×1×1, the blocks' 3×3×3), run
/// directly on zero-padded copies of the input planes.
///
/// Each input channel is copied into a padded volume (for a horizontal stride of 2 its rows are split into even
/// and odd columns), so every tap of every window is executed, padding included, and eight outputs along `W` are
/// computed at once with `acc.addProduct(x, w)` (one fused multiply-add). Temporal stride 1 and horizontal stride 1 or 2 only; other shapes return
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

  /// Copies one input channel `(T, H, W)` into `padded`. Only the border (padding frames and rows, each row's
  /// padding columns and slack) is zeroed; the interior is overwritten with vector copies.
  func pad(_ plane: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>) {
    let (pt, ph, pw) = (conv.padding.t, conv.padding.h, conv.padding.w)
    let frameSize = paddedRows * rowLength
    padded.initialize(repeating: 0, count: pt * frameSize)
    (padded + (pt + input.frames) * frameSize).initialize(repeating: 0, count: pt * frameSize)
    for t in 0..<input.frames {
      let frame = padded + (t + pt) * frameSize
      frame.initialize(repeating: 0, count: ph * rowLength)
      (frame + (ph + input.height) * rowLength).initialize(repeating: 0, count: ph * rowLength)
      for h in 0..<input.height {
        let source = plane + (t * input.height + h) * input.width
        let row = frame + (h + ph) * rowLength
        if conv.stride.w == 1 {
          row.initialize(repeating: 0, count: pw)
          let target = row + pw
          var w = 0
          while w + 8 <= input.width {
            target.store(source.vector(w), w)
            w += 8
          }
          while w < input.width {
            target[w] = source[w]
            w += 1
          }
          (target + input.width).initialize(repeating: 0, count: rowLength - pw - input.width)
        } else {
          row.initialize(repeating: 0, count: rowLength)
          // Sixteen inputs at a time: even-indexed ones land in one half of the row, odd-indexed in the other.
          var w = 0
          while w + 16 <= input.width {
            let (lo, hi) = (source.vector(w), source.vector(w + 8))
            let evens = Vector(lo[0], lo[2], lo[4], lo[6], hi[0], hi[2], hi[4], hi[6])
            let odds = Vector(lo[1], lo[3], lo[5], lo[7], hi[1], hi[3], hi[5], hi[7])
            row.store(evens, (pw & 1) * oddOffset + (w + pw) >> 1)
            row.store(odds, ((pw + 1) & 1) * oddOffset + (w + 1 + pw) >> 1)
            w += 16
          }
          while w < input.width {
            let column = w + pw
            row[(column & 1) * oddOffset + column >> 1] = source[w]
            w += 1
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
        // Four vectors (32 outputs) at a time: each broadcast weight serves four loads.
        while wo + 32 <= width {
          var a0 = accumulate ? target.vector(wo) : Vector(repeating: start)
          var a1 = accumulate ? target.vector(wo + 8) : Vector(repeating: start)
          var a2 = accumulate ? target.vector(wo + 16) : Vector(repeating: start)
          var a3 = accumulate ? target.vector(wo + 24) : Vector(repeating: start)
          var tap = 0
          for kt in 0..<k.t {
            for kh in 0..<k.h {
              let row = padded + ((to + kt) * paddedRows + ho * sh + kh) * rowLength
              for kw in 0..<k.w {
                let at = strideTwo ? (kw & 1) * oddOffset + wo + kw >> 1 : wo + kw
                let weight = Vector(repeating: kernel[tap])
                a0.addProduct(row.vector(at), weight)
                a1.addProduct(row.vector(at + 8), weight)
                a2.addProduct(row.vector(at + 16), weight)
                a3.addProduct(row.vector(at + 24), weight)
                tap += 1
              }
            }
          }
          target.store(a0, wo)
          target.store(a1, wo + 8)
          target.store(a2, wo + 16)
          target.store(a3, wo + 24)
          wo += 32
        }
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
                acc.addProduct(row.vector(offset), Vector(repeating: kernel[tap]))
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

  /// The 3×3×3 case with every tap unrolled: weights broadcast once per channel into `broadcast` (27 vectors),
  /// nine row pointers per output row, one accumulator per eight outputs.
  @inline(__always)
  func apply333(
    _ padded: UnsafePointer<Float>, _ kernel: UnsafePointer<Float>, _ broadcast: UnsafeMutablePointer<Vector>,
    _ out: UnsafeMutablePointer<Float>, start: Float
  ) {
    for tap in 0..<27 { broadcast[tap] = Vector(repeating: kernel[tap]) }
    let w = UnsafePointer(broadcast)
    let sh = conv.stride.h
    let (o0, o1, o2) = conv.stride.w == 2 ? (0, oddOffset, 1) : (0, 1, 2)
    let width = output.width
    let first = Vector(repeating: start)
    for to in 0..<output.frames {
      for ho in 0..<output.height {
        let target = out + (to * output.height + ho) * width
        let top = padded + (to * paddedRows + ho * sh) * rowLength
        let frame = paddedRows * rowLength
        var wo = 0
        while wo < width {
          var acc = first
          for kt in 0..<3 {
            for kh in 0..<3 {
              let row = top + kt * frame + kh * rowLength + wo
              let tap = 3 * (3 * kt + kh)
              acc.addProduct(row.vector(o0), w[tap])
              acc.addProduct(row.vector(o1), w[tap + 1])
              acc.addProduct(row.vector(o2), w[tap + 2])
            }
          }
          let lanes = width - wo
          if lanes >= 8 { target.store(acc, wo) } else { target.store(acc, wo, count: lanes) }
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
              let broadcast = UnsafeMutablePointer<Vector>.allocate(capacity: 27)
              defer {
                padded.deallocate()
                broadcast.deallocate()
              }
              let unrolled = conv.kernel == Triple(3, 3, 3)
              for plane in planes {
                let c = plane % output.channels
                pad(x + plane * inPlane, into: padded)
                if unrolled {
                  apply333(padded, weights + c * taps, broadcast, y + plane * outPlane, start: w.bias?[c] ?? 0)
                } else {
                  apply(padded, weights + c * taps, y + plane * outPlane, start: w.bias?[c] ?? 0, accumulate: false)
                }
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
