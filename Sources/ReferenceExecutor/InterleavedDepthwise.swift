import X3DModel

/// Depthwise 3×3×3 convolution, stride 1, padding 1, for narrow planes (W ≤ 8: res5 at 160²), with eight
/// channels side by side in each SIMD8 lane group instead of eight positions along W, so no lane is wasted on a
/// row's tail. Each group of eight channels is copied into a zero-padded `(T+2)×(H+2)×(W+2)` volume of vectors;
/// every output position then takes 27 fused multiply-adds, padding taps included.
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

  func run(_ x: Tensor, _ w: LayerWeights, threads: Int) -> Tensor {
    let (channels, frames, height, width) = (input.channels, input.frames, input.height, input.width)
    let (rows, columns) = (height + 2, width + 2)
    let volume = (frames + 2) * rows * columns
    let plane = frames * height * width
    let groups = (channels + 7) / 8
    return Tensor(shape: input) { y in
      x.scalars.withUnsafeBufferPointer { xs in
        w.weight.withUnsafeBufferPointer { ws in
          let (source, weights) = (xs.baseAddress!, ws.baseAddress!)
          parallelChunks(input.batch * groups, threads: threads) { items in
            let padded = UnsafeMutablePointer<Vector>.allocate(capacity: volume)
            let taps = UnsafeMutablePointer<Vector>.allocate(capacity: 27)
            defer {
              padded.deallocate()
              taps.deallocate()
            }
            let paddedLanes = UnsafeMutableRawPointer(padded).assumingMemoryBound(to: Float.self)
            let tapLanes = UnsafeMutableRawPointer(taps).assumingMemoryBound(to: Float.self)
            for item in items {
              let (n, first) = (item / groups, (item % groups) * 8)
              let lanes = min(8, channels - first)
              padded.initialize(repeating: Vector(), count: volume)
              taps.initialize(repeating: Vector(), count: 27)
              var bias = Vector()
              for lane in 0..<lanes {
                let c = first + lane
                let channel = source + (n * channels + c) * plane
                for t in 0..<frames {
                  for h in 0..<height {
                    let target = ((t + 1) * rows + h + 1) * columns + 1
                    for x in 0..<width { paddedLanes[(target + x) * 8 + lane] = channel[(t * height + h) * width + x] }
                  }
                }
                for tap in 0..<27 { tapLanes[tap * 8 + lane] = weights[c * 27 + tap] }
                bias[lane] = w.bias?[c] ?? 0
              }
              let frameStride = rows * columns
              for t in 0..<frames {
                for h in 0..<height {
                  for x in 0..<width {
                    let base = (t * rows + h) * columns + x
                    var acc = bias
                    for kt in 0..<3 {
                      for kh in 0..<3 {
                        let row = padded + base + kt * frameStride + kh * columns
                        let tap = taps + 3 * (3 * kt + kh)
                        acc.addProduct(row[0], tap[0])
                        acc.addProduct(row[1], tap[1])
                        acc.addProduct(row[2], tap[2])
                      }
                    }
                    let position = (t * height + h) * width + x
                    for lane in 0..<lanes { y[(n * channels + first + lane) * plane + position] = acc[lane] }
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
