import Foundation
import X3DModel

/// Plain loops, one output element at a time, in the order a textbook writes them. Slow and obviously correct: the
/// source of the tally that `verify` holds the cost formulas to, and the yardstick for ``FastBackend``.
///
/// Counting: a convolution executes every tap of its window, reading zero where the window hangs over the padding,
/// and counts one multiply-add per tap; parameters are counted as read the first time a kernel touches them (the
/// first output position of each output channel); every element written counts once; input-tensor elements count
/// once each, the first time a kernel reads them (a convolution marks what its windows touch, so a strided 1×1×1
/// convolution reads a quarter of its input and padding taps read nothing).
public struct ReferenceBackend: ExecutionBackend {
  public init() {}
  public var kind: BackendKind { .reference }

  public func convolution(
    _ x: Tensor, _ conv: Convolution, _ w: LayerWeights, _ counter: inout KernelCounter
  )
    -> Tensor
  {
    let out = Shapes.convolution(x.shape, conv)!
    var y = Tensor(zeros: out)
    let (i, k, s, p) = (x.shape, conv.kernel, conv.stride, conv.padding)
    let inPerGroup = conv.inChannels / conv.groups
    let outPerGroup = conv.outChannels / conv.groups
    var macs = 0
    var written = 0
    var read = 0
    var touched = [Bool](repeating: false, count: x.scalars.count)
    for n in 0..<out.batch {
      for co in 0..<out.channels {
        let group = co / outPerGroup
        for to in 0..<out.frames {
          for ho in 0..<out.height {
            for wo in 0..<out.width {
              var acc: Float = 0
              var taps = 0
              for cg in 0..<inPerGroup {
                let ci = group * inPerGroup + cg
                for kt in 0..<k.t {
                  let ti = to * s.t - p.t + kt
                  for kh in 0..<k.h {
                    let hi = ho * s.h - p.h + kh
                    for kw in 0..<k.w {
                      let wi = wo * s.w - p.w + kw
                      let inside =
                        ti >= 0 && ti < i.frames && hi >= 0 && hi < i.height && wi >= 0
                        && wi < i.width
                      let source =
                        (((n * i.channels + ci) * i.frames + ti) * i.height + hi) * i.width + wi
                      let value = inside ? x.scalars[source] : 0
                      if inside { touched[source] = true }
                      acc +=
                        value
                        * w.weight[(((co * inPerGroup + cg) * k.t + kt) * k.h + kh) * k.w + kw]
                      taps += 1
                    }
                  }
                }
              }
              if let bias = w.bias { acc += bias[co] }
              y.scalars[
                (((n * out.channels + co) * out.frames + to) * out.height + ho) * out.width + wo] =
                acc
              written += 1
              macs += taps
              if n == 0 && to == 0 && ho == 0 && wo == 0 { read += taps + (w.bias == nil ? 0 : 1) }
            }
          }
        }
      }
    }
    counter.macs += macs
    counter.outputElements += written
    counter.parametersRead += read
    counter.activationElementsRead += touched.lazy.filter { $0 }.count
    return y
  }

  public func batchNorm(_ x: Tensor, _ w: NormWeights, _ counter: inout KernelCounter) -> Tensor {
    var y = Tensor(zeros: x.shape)
    let positions = x.shape.positions
    for n in 0..<x.shape.batch {
      for c in 0..<x.shape.channels {
        let deviation = (w.variance[c] + w.epsilon).squareRoot()
        if n == 0 {
          counter.parametersRead += 2
          counter.buffersRead += 2
        }
        for q in 0..<positions {
          let index = (n * x.shape.channels + c) * positions + q
          y.scalars[index] = (x.scalars[index] - w.mean[c]) / deviation * w.scale[c] + w.shift[c]
          counter.activationElementsRead += 1
          counter.outputElements += 1
        }
      }
    }
    return y
  }

  public func relu(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    map(x, &counter) { max($0, 0) }
  }

  public func swish(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    map(x, &counter) { $0 / (1 + Foundation.exp(-$0)) }
  }

  public func sigmoid(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    map(x, &counter) { 1 / (1 + Foundation.exp(-$0)) }
  }

  public func globalAveragePool(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    var y = Tensor(zeros: Shapes.squeezed(x.shape))
    let positions = x.shape.positions
    for row in 0..<(x.shape.batch * x.shape.channels) {
      var sum: Float = 0
      for q in 0..<positions { sum += x.scalars[row * positions + q] }
      y.scalars[row] = sum / Float(positions)
      counter.activationElementsRead += positions
      counter.outputElements += 1
    }
    return y
  }

  public func channelScale(_ x: Tensor, _ gate: Tensor, _ counter: inout KernelCounter) -> Tensor {
    var y = Tensor(zeros: x.shape)
    let positions = x.shape.positions
    for row in 0..<(x.shape.batch * x.shape.channels) {
      for q in 0..<positions {
        y.scalars[row * positions + q] = x.scalars[row * positions + q] * gate.scalars[row]
        counter.activationElementsRead += q == 0 ? 2 : 1
        counter.outputElements += 1
      }
    }
    return y
  }

  public func add(_ a: Tensor, _ b: Tensor, _ counter: inout KernelCounter) -> Tensor {
    var y = Tensor(zeros: a.shape)
    for index in y.scalars.indices {
      y.scalars[index] = a.scalars[index] + b.scalars[index]
      counter.activationElementsRead += 2
      counter.outputElements += 1
    }
    return y
  }

  public func averagePool(_ x: Tensor, kernel k: Triple, _ counter: inout KernelCounter) -> Tensor {
    let out = Shapes.pool(x.shape, k)!
    var y = Tensor(zeros: out)
    let i = x.shape
    var touched = [Bool](repeating: false, count: x.scalars.count)
    for row in 0..<(out.batch * out.channels) {
      for to in 0..<out.frames {
        for ho in 0..<out.height {
          for wo in 0..<out.width {
            var sum: Float = 0
            for kt in 0..<k.t {
              for kh in 0..<k.h {
                for kw in 0..<k.w {
                  let source = ((row * i.frames + to + kt) * i.height + ho + kh) * i.width + wo + kw
                  sum += x.scalars[source]
                  touched[source] = true
                }
              }
            }
            y.scalars[((row * out.frames + to) * out.height + ho) * out.width + wo] =
              sum / Float(k.volume)
            counter.outputElements += 1
          }
        }
      }
    }
    counter.activationElementsRead += touched.lazy.filter { $0 }.count
    return y
  }

  public func linear(
    _ x: Tensor, _ linear: Linear, _ w: LayerWeights, _ counter: inout KernelCounter
  ) -> Tensor {
    var out = x.shape
    out.channels = linear.outFeatures
    var y = Tensor(zeros: out)
    let positions = x.shape.positions
    for n in 0..<out.batch {
      for o in 0..<linear.outFeatures {
        for q in 0..<positions {
          var acc: Float = 0
          for f in 0..<linear.inFeatures {
            acc +=
              x.scalars[(n * linear.inFeatures + f) * positions + q]
              * w.weight[o * linear.inFeatures + f]
            counter.macs += 1
            if o == 0 { counter.activationElementsRead += 1 }
          }
          if let bias = w.bias { acc += bias[o] }
          y.scalars[(n * linear.outFeatures + o) * positions + q] = acc
          counter.outputElements += 1
          if n == 0 && q == 0 {
            counter.parametersRead += linear.inFeatures + (w.bias == nil ? 0 : 1)
          }
        }
      }
    }
    return y
  }

  public func softmax(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    var y = Tensor(zeros: x.shape)
    let (channels, positions) = (x.shape.channels, x.shape.positions)
    for n in 0..<x.shape.batch {
      for q in 0..<positions {
        func index(_ c: Int) -> Int { (n * channels + c) * positions + q }
        var largest = -Float.infinity
        for c in 0..<channels { largest = max(largest, x.scalars[index(c)]) }
        counter.activationElementsRead += channels
        var sum: Float = 0
        for c in 0..<channels { sum += Foundation.exp(x.scalars[index(c)] - largest) }
        for c in 0..<channels {
          y.scalars[index(c)] = Foundation.exp(x.scalars[index(c)] - largest) / sum
          counter.outputElements += 1
        }
      }
    }
    return y
  }

  public func positionMean(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    var y = Tensor(zeros: .flat(batch: x.shape.batch, channels: x.shape.channels))
    let positions = x.shape.positions
    for row in 0..<(x.shape.batch * x.shape.channels) {
      var sum: Float = 0
      for q in 0..<positions { sum += x.scalars[row * positions + q] }
      y.scalars[row] = sum / Float(positions)
      counter.activationElementsRead += positions
      counter.outputElements += 1
    }
    return y
  }

  private func map(_ x: Tensor, _ counter: inout KernelCounter, _ f: (Float) -> Float) -> Tensor {
    var y = x
    for index in y.scalars.indices { y.scalars[index] = f(x.scalars[index]) }
    counter.activationElementsRead += x.scalars.count
    counter.outputElements += y.scalars.count
    return y
  }
}
