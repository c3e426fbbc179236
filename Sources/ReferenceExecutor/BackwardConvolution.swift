import X3DModel

/// The training kernels of a convolution, plain loops over the forward's taps. Every tap of every output position
/// is one multiply-add in each of the three passes, padding taps included (they multiply a zero of the padded
/// input, or add into a padding cell that is then dropped), so each pass counts the forward's MACs.
enum BackwardConvolution {
  /// The forward pass, one output element at a time like ``ReferenceBackend``'s kernel but summing in double
  /// precision (a training step's gradients amplify rounding: BatchNorm over a few positions divides by small
  /// deviations): one multiply-add per tap, one FLOP per output element for the bias.
  static func forward(_ x: Tensor, _ conv: Convolution, _ w: LayerWeights, _ c: inout TrainingCounter) -> Tensor {
    let out = Shapes.convolution(x.shape, conv)!
    var y = Tensor(zeros: out)
    let (i, k, s, p) = (x.shape, conv.kernel, conv.stride, conv.padding)
    let inPerGroup = conv.inChannels / conv.groups
    let outPerGroup = conv.outChannels / conv.groups
    for n in 0..<out.batch {
      for co in 0..<out.channels {
        let group = co / outPerGroup
        for to in 0..<out.frames {
          for ho in 0..<out.height {
            for wo in 0..<out.width {
              var sum: Double = 0
              for cg in 0..<inPerGroup {
                let ci = group * inPerGroup + cg
                for kt in 0..<k.t {
                  let ti = to * s.t - p.t + kt
                  for kh in 0..<k.h {
                    let hi = ho * s.h - p.h + kh
                    for kw in 0..<k.w {
                      let wi = wo * s.w - p.w + kw
                      let inside = ti >= 0 && ti < i.frames && hi >= 0 && hi < i.height && wi >= 0 && wi < i.width
                      let value =
                        inside ? x.scalars[(((n * i.channels + ci) * i.frames + ti) * i.height + hi) * i.width + wi] : 0
                      sum +=
                        Double(value) * Double(w.weight[(((co * inPerGroup + cg) * k.t + kt) * k.h + kh) * k.w + kw])
                      c.forwardMACs += 1
                    }
                  }
                }
              }
              if let bias = w.bias {
                sum += Double(bias[co])
                c.forwardFlops += 1
              }
              y.scalars[(((n * out.channels + co) * out.frames + to) * out.height + ho) * out.width + wo] = Float(sum)
            }
          }
        }
      }
    }
    return y
  }

  /// `dx[n, ci, ti, hi, wi] = Σ w[co, ci − g·Cin/g, kt, kh, kw] · dy[n, co, to, ho, wo]` over the taps that read
  /// `(ti, hi, wi)`: the transposed convolution, scattered from each output position.
  static func inputGradient(
    _ dy: Tensor, input i: TensorShape, _ conv: Convolution, _ weight: [Float], _ c: inout TrainingCounter
  ) -> Tensor {
    let out = dy.shape
    let (k, s, p) = (conv.kernel, conv.stride, conv.padding)
    let inPerGroup = conv.inChannels / conv.groups
    let outPerGroup = conv.outChannels / conv.groups
    var dx = [Double](repeating: 0, count: i.batch * i.channels * i.positions)
    var macs = 0
    for n in 0..<out.batch {
      for co in 0..<out.channels {
        let group = co / outPerGroup
        for to in 0..<out.frames {
          for ho in 0..<out.height {
            for wo in 0..<out.width {
              let g = Double(
                dy.scalars[(((n * out.channels + co) * out.frames + to) * out.height + ho) * out.width + wo])
              for cg in 0..<inPerGroup {
                let ci = group * inPerGroup + cg
                for kt in 0..<k.t {
                  let ti = to * s.t - p.t + kt
                  for kh in 0..<k.h {
                    let hi = ho * s.h - p.h + kh
                    for kw in 0..<k.w {
                      let wi = wo * s.w - p.w + kw
                      let product = Double(weight[(((co * inPerGroup + cg) * k.t + kt) * k.h + kh) * k.w + kw]) * g
                      macs += 1
                      if ti >= 0 && ti < i.frames && hi >= 0 && hi < i.height && wi >= 0 && wi < i.width {
                        dx[(((n * i.channels + ci) * i.frames + ti) * i.height + hi) * i.width + wi] += product
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
    c.inputGradientMACs += macs
    var gradient = Tensor(zeros: i)
    for index in dx.indices { gradient.scalars[index] = Float(dx[index]) }
    return gradient
  }

  /// `dw[co, cg, kt, kh, kw] = Σ over n and output positions of dy · x` (x zero on the padding) and, with a bias,
  /// `db[co] = Σ dy`: one FLOP per output element.
  static func weightGradient(
    _ dy: Tensor, _ x: Tensor, _ conv: Convolution, hasBias: Bool, _ c: inout TrainingCounter
  ) -> (weight: [Float], bias: [Float]?) {
    let (out, i) = (dy.shape, x.shape)
    let (k, s, p) = (conv.kernel, conv.stride, conv.padding)
    let inPerGroup = conv.inChannels / conv.groups
    let outPerGroup = conv.outChannels / conv.groups
    var dw = [Float](repeating: 0, count: conv.outChannels * inPerGroup * k.volume)
    var db: [Float]? = hasBias ? [Float](repeating: 0, count: conv.outChannels) : nil
    var macs = 0
    for co in 0..<conv.outChannels {
      let group = co / outPerGroup
      for cg in 0..<inPerGroup {
        let ci = group * inPerGroup + cg
        for kt in 0..<k.t {
          for kh in 0..<k.h {
            for kw in 0..<k.w {
              var sum: Double = 0
              for n in 0..<out.batch {
                for to in 0..<out.frames {
                  let ti = to * s.t - p.t + kt
                  for ho in 0..<out.height {
                    let hi = ho * s.h - p.h + kh
                    for wo in 0..<out.width {
                      let wi = wo * s.w - p.w + kw
                      let inside = ti >= 0 && ti < i.frames && hi >= 0 && hi < i.height && wi >= 0 && wi < i.width
                      let value =
                        inside ? x.scalars[(((n * i.channels + ci) * i.frames + ti) * i.height + hi) * i.width + wi] : 0
                      sum +=
                        Double(value)
                        * Double(
                          dy.scalars[(((n * out.channels + co) * out.frames + to) * out.height + ho) * out.width + wo])
                      macs += 1
                    }
                  }
                }
              }
              dw[(((co * inPerGroup + cg) * k.t + kt) * k.h + kh) * k.w + kw] = Float(sum)
            }
          }
        }
      }
      if db != nil {
        var sum: Double = 0
        for n in 0..<out.batch {
          for q in 0..<out.positions {
            sum += Double(dy.scalars[(n * out.channels + co) * out.positions + q])
            c.backwardFlops += 1
          }
        }
        db![co] = Float(sum)
      }
    }
    c.weightGradientMACs += macs
    return (dw, db)
  }
}
