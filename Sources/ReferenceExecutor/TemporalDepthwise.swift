import CKernels
import X3DModel

/// Depthwise convolution along `T` only (kernel `kt × 1 × 1`, stride 1, padding along `T` only: the stem's 5×1×1),
/// on the unpadded input planes: output frame `t` of a channel is the bias plus `Σ_k w[k]·x[t − pt + k]` over the
/// taps whose frame exists (C kernel `temporal_depthwise`, 32 positions at a time, the activation in registers).
/// No padded copy is made; the taps over the padding add zero and are skipped, and the tally still counts them
/// (from the output shape, as for every convolution). (sample, channel) planes run in parallel.
struct TemporalDepthwise {
  let input: TensorShape
  let output: TensorShape
  let conv: Convolution

  init?(_ input: TensorShape, _ conv: Convolution) {
    guard conv.groups == conv.inChannels, conv.inChannels == conv.outChannels, conv.kernel.h == 1,
      conv.kernel.w == 1, conv.stride == .one, conv.padding.h == 0, conv.padding.w == 0,
      let output = Shapes.convolution(input, conv)
    else { return nil }
    self.input = input
    self.output = output
    self.conv = conv
  }

  func run(
    _ x: Tensor, _ w: LayerWeights, threads: Int, _ kernels: x3d_kernel_set, activation: FusedGroup.Activation = .none
  ) -> Tensor {
    let (inPlane, outPlane) = (input.positions, output.positions)
    let (frames, positions) = (input.frames, input.height * input.width)
    let (taps, pad, channels) = (conv.kernel.t, conv.padding.t, output.channels)
    let temporal = kernels.temporal_depthwise!
    return Tensor(shape: output) { y in
      x.scalars.withUnsafeBufferPointer { xs in
        w.weight.withUnsafeBufferPointer { ws in
          let (source, weights, bias) = (xs.baseAddress!, ws.baseAddress!, w.bias)
          parallelChunks(output.batch * channels, threads: threads) { planes in
            for plane in planes {
              let c = plane % channels
              temporal(
                source + plane * inPlane, weights + c * taps, y + plane * outPlane, frames, positions, taps, pad,
                bias?[c] ?? 0, activation.rawValue)
            }
          }
        }
      }
    }
  }
}
