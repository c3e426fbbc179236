import CKernels
import X3DModel

/// Depthwise 3×3×3 convolution, stride 1, padding 1, for narrow planes (W ≤ 8: res5 at 160²), with eight
/// channels side by side in each vector instead of eight positions along W, so no lane is wasted on a row's tail.
/// The C kernel (`interleaved_depthwise`) copies each group of eight channels into a zero-padded
/// `(T+2)×(H+2)×(W+2)` volume of vectors; every output position then takes 27 multiply-adds, padding taps
/// included. (sample, channel group) pairs run in parallel.
struct InterleavedDepthwise {
  static let maximumWidth = 8

  let input: TensorShape
  let conv: Convolution

  init?(_ input: TensorShape, _ conv: Convolution) {
    guard conv.groups == conv.inChannels, conv.inChannels == conv.outChannels, conv.kernel == Triple(3, 3, 3),
      conv.stride == .one, conv.padding == .one, input.width <= Self.maximumWidth
    else { return nil }
    self.input = input
    self.conv = conv
  }

  func run(_ x: Tensor, _ w: LayerWeights, threads: Int, _ kernels: x3d_kernel_set) -> Tensor {
    let (channels, frames, height, width) = (input.channels, input.frames, input.height, input.width)
    let volume = (frames + 2) * (height + 2) * (width + 2)
    let groups = (channels + 7) / 8
    let depthwise = kernels.interleaved_depthwise!
    return Tensor(shape: input) { y in
      x.scalars.withUnsafeBufferPointer { xs in
        w.weight.withUnsafeBufferPointer { ws in
          w.bias.withUnsafeBufferPointerIfPresent { bias in
            let (source, weights) = (xs.baseAddress!, ws.baseAddress!)
            parallelChunks(input.batch * groups, threads: threads) { items in
              let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 8 * (volume + 27))
              defer { scratch.deallocate() }
              depthwise(
                source, weights, bias, y, channels, frames, height, width, items.lowerBound, items.upperBound,
                scratch)
            }
          }
        }
      }
    }
  }
}
