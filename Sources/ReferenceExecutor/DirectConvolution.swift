import CKernels
import X3DModel

/// Dense and depthwise 3-D convolutions with a small kernel (the stem's 1×3×3 and 5×1×1, the blocks' 3×3×3), run
/// directly on zero-padded copies of the input planes.
///
/// Each input channel is copied into the interior of a padded volume zeroed once per thread (C kernel
/// `direct_pad`; for a horizontal stride of 2 its rows are split into even and odd columns), so every tap of every
/// window is executed, padding included. Depthwise: eight outputs along `W` per vector (`depthwise_333`, register
/// blocked, for 3×3×3; `direct_apply` otherwise). Dense (the stem's 1×3×3): for each run of 16 outputs along a
/// row, the windows of every input channel are gathered into a small panel and multiplied by the weights in the
/// 1×1×1 kernel's 6×16 register tiles (`dense_direct_rows`), so the 27 multiply-adds of an output run in registers
/// instead of three passes over the output plane, and no im2col matrix is ever written. Temporal stride 1 and horizontal stride 1 or 2 only;
/// other shapes return nil and the caller falls back to the reference loops.
struct DirectConvolution {
  let input: TensorShape
  let output: TensorShape
  let conv: Convolution
  /// The padded planes' layout, as the C kernels read it.
  let geometry: x3d_direct_geometry

  init?(_ input: TensorShape, _ conv: Convolution) {
    guard let output = Shapes.convolution(input, conv), conv.stride.t == 1, conv.stride.w == 1 || conv.stride.w == 2,
      conv.groups == 1 || (conv.groups == conv.inChannels && conv.groups == conv.outChannels)
    else { return nil }
    self.input = input
    self.output = output
    self.conv = conv
    let paddedWidth = input.width + 2 * conv.padding.w
    // Eight floats of slack after each row: a vector read at the last output reaches past the padded width.
    let (rowLength, oddOffset) =
      conv.stride.w == 1
      ? (paddedWidth + 8, 0) : ((paddedWidth + 1) / 2 + 8 + paddedWidth / 2 + 8, (paddedWidth + 1) / 2 + 8)
    geometry = x3d_direct_geometry(
      in_frames: input.frames, in_height: input.height, in_width: input.width,
      pad_t: conv.padding.t, pad_h: conv.padding.h, pad_w: conv.padding.w,
      kernel_t: conv.kernel.t, kernel_h: conv.kernel.h, kernel_w: conv.kernel.w,
      stride_h: conv.stride.h, stride_w: conv.stride.w,
      out_frames: output.frames, out_height: output.height, out_width: output.width,
      padded_rows: input.height + 2 * conv.padding.h, row_length: rowLength, odd_offset: oddOffset)
  }

  /// Floats in one padded channel.
  var volume: Int { (input.frames + 2 * conv.padding.t) * geometry.padded_rows * geometry.row_length }

  /// Depthwise 3×3×3 (the blocks' b convolution): run by the register-blocked `depthwise_333`.
  var isDepthwise333: Bool { conv.groups > 1 && conv.kernel == Triple(3, 3, 3) }

  /// Runs the convolution on every sample and channel, then `activation` on each output plane (in registers for
  /// the depthwise 3×3×3 kernel, in place right after each plane otherwise).
  func run(
    _ x: Tensor, _ w: LayerWeights, threads: Int, _ kernels: x3d_kernel_set,
    activation: FusedGroup.Activation = .none
  ) -> Tensor {
    let taps = conv.kernel.volume
    let inPlane = input.positions
    let outPlane = output.positions
    let (pad, apply, depthwise) = (kernels.direct_pad!, kernels.direct_apply!, kernels.depthwise_333!)
    let epilogue = kernels.epilogue!
    let (act, isDepthwise333) = (activation.rawValue, isDepthwise333)
    let (volume, bias) = (volume, w.bias)
    return Tensor(shape: output) { y in
      x.scalars.withUnsafeBufferPointer { xs in
        w.weight.withUnsafeBufferPointer { weights in
          withUnsafePointer(to: geometry) { g in
            let (x, weights) = (xs.baseAddress!, weights.baseAddress!)
            if conv.groups > 1 {
              parallelChunks(output.batch * output.channels, threads: threads) { planes in
                let padded = UnsafeMutablePointer<Float>.allocate(capacity: volume)
                padded.initialize(repeating: 0, count: volume)  // the border; pad writes only the interior
                defer { padded.deallocate() }
                for plane in planes {
                  let c = plane % output.channels
                  pad(g, x + plane * inPlane, padded)
                  let out = y + plane * outPlane
                  if isDepthwise333 {
                    depthwise(g, padded, weights + c * taps, out, bias?[c] ?? 0, act)
                  } else {
                    apply(g, padded, weights + c * taps, out, bias?[c] ?? 0, 0)
                    if act != 0 { epilogue(out, nil, outPlane, act) }
                  }
                }
              }
            } else {
              // Dense: every input channel padded, then output rows in parallel, each run of 16 outputs a matrix
              // product of its gathered windows with the `cout × (cin·taps)` weights (`dense_direct_rows`).
              let (cin, cout) = (input.channels, output.channels)
              let dense = kernels.dense_direct_rows!
              let rows = output.frames * output.height
              let padded = UnsafeMutablePointer<Float>.allocate(capacity: volume * cin)
              padded.initialize(repeating: 0, count: volume * cin)
              defer { padded.deallocate() }
              bias.withUnsafeBufferPointerIfPresent { b in
                for n in 0..<output.batch {
                  parallelChunks(cin, threads: threads) { channels in
                    for ci in channels { pad(g, x + (n * cin + ci) * inPlane, padded + ci * volume) }
                  }
                  parallelChunks(rows, threads: threads) { range in
                    let panel = UnsafeMutablePointer<Float>.allocate(capacity: cin * taps * 16)
                    defer { panel.deallocate() }
                    dense(
                      g, padded, cin, volume, weights, b, y + n * cout * outPlane, cout, range.lowerBound,
                      range.upperBound, panel, act)
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
