import CKernels
import X3DModel

/// Depthwise 3×3×3 convolution, stride 1, padding 1, for narrow planes (W < 32: res3 to res5 at 160²), with
/// eight channels side by side in each vector instead of eight positions along W, so no lane is wasted on a row's
/// tail. The C kernel (`interleaved_depthwise`) transposes each group of eight channels into a zero-padded
/// `(T+2)×(H+2)×(W+2)` volume of vectors; every output position then takes 27 multiply-adds, padding taps
/// included, blocked 2 rows × 5 positions so each loaded vector serves up to three outputs, and the activation
/// runs in registers before the outputs are transposed back. (sample, channel group) pairs run in parallel.
///
/// Why 32: on the development machine (one core, avx2 set, with the Swish epilogue) the interleaved kernel runs
/// W = 5, 10, 14, 20 and 28 at 35–43 GFLOP/s against 25–36 for the planar one (``DirectConvolution``), which wins
/// from W = 32 (whole vectors along W) and at W = 40 (45 against 39).
struct InterleavedDepthwise {
  static let maximumWidth = 31

  let input: TensorShape
  let conv: Convolution

  init?(_ input: TensorShape, _ conv: Convolution) {
    guard conv.groups == conv.inChannels, conv.inChannels == conv.outChannels, conv.kernel == Triple(3, 3, 3),
      conv.stride == .one, conv.padding == .one, input.width <= Self.maximumWidth
    else { return nil }
    self.input = input
    self.conv = conv
  }

  func run(
    _ x: Tensor, _ w: LayerWeights, threads: Int, _ kernels: x3d_kernel_set, activation: FusedGroup.Activation = .none
  ) -> Tensor {
    let (channels, frames, height, width) = (input.channels, input.frames, input.height, input.width)
    let scratchCount = 8 * ((frames + 2) * (height + 2) * (width + 2) + frames * height * width)
    let groups = (channels + 7) / 8
    let depthwise = kernels.interleaved_depthwise!
    return Tensor(shape: input) { y in
      x.scalars.withUnsafeBufferPointer { xs in
        w.weight.withUnsafeBufferPointer { ws in
          w.bias.withUnsafeBufferPointerIfPresent { bias in
            let (source, weights) = (xs.baseAddress!, ws.baseAddress!)
            parallelChunks(input.batch * groups, threads: threads) { items in
              let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
              defer { scratch.deallocate() }
              depthwise(
                source, weights, bias, y, channels, frames, height, width, items.lowerBound, items.upperBound,
                scratch, activation.rawValue)
            }
          }
        }
      }
    }
  }
}
