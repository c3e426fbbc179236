import X3DModel

/// The training kernels of `Linear(in, out)` applied at every position of a channel-first `(N, in, T, H, W)`
/// tensor: `y[n, o, q] = Σ_f W[o, f]·x[n, f, q] + b[o]`.
enum BackwardLinear {
  /// The forward pass, summing in double precision: `N·positions·in·out` multiply-adds, one FLOP per output element
  /// for the bias.
  static func forward(_ x: Tensor, _ linear: Linear, _ w: LayerWeights, _ c: inout TrainingCounter) -> Tensor {
    var out = x.shape
    out.channels = linear.outFeatures
    var y = Tensor(zeros: out)
    let positions = x.shape.positions
    for n in 0..<out.batch {
      for o in 0..<linear.outFeatures {
        for q in 0..<positions {
          var sum: Double = 0
          for f in 0..<linear.inFeatures {
            sum +=
              Double(x.scalars[(n * linear.inFeatures + f) * positions + q])
              * Double(w.weight[o * linear.inFeatures + f])
            c.forwardMACs += 1
          }
          if let bias = w.bias {
            sum += Double(bias[o])
            c.forwardFlops += 1
          }
          y.scalars[(n * linear.outFeatures + o) * positions + q] = Float(sum)
        }
      }
    }
    return y
  }

  /// `dx[n, f, q] = Σ_o W[o, f]·dy[n, o, q]`: `N·positions·in·out` multiply-adds.
  static func inputGradient(
    _ dy: Tensor, input: TensorShape, _ linear: Linear, _ weight: [Float], _ c: inout TrainingCounter
  ) -> Tensor {
    var dx = Tensor(zeros: input)
    let positions = input.positions
    for n in 0..<input.batch {
      for f in 0..<linear.inFeatures {
        for q in 0..<positions {
          var sum: Double = 0
          for o in 0..<linear.outFeatures {
            sum +=
              Double(weight[o * linear.inFeatures + f])
              * Double(dy.scalars[(n * linear.outFeatures + o) * positions + q])
            c.inputGradientMACs += 1
          }
          dx.scalars[(n * linear.inFeatures + f) * positions + q] = Float(sum)
        }
      }
    }
    return dx
  }

  /// `dW[o, f] = Σ_{n, q} dy[n, o, q]·x[n, f, q]` and `db[o] = Σ_{n, q} dy[n, o, q]` (one FLOP per output element).
  static func weightGradient(
    _ dy: Tensor, _ x: Tensor, _ linear: Linear, hasBias: Bool, _ c: inout TrainingCounter
  ) -> (weight: [Float], bias: [Float]?) {
    let positions = x.shape.positions
    var dw = [Float](repeating: 0, count: linear.outFeatures * linear.inFeatures)
    var db: [Float]? = hasBias ? [Float](repeating: 0, count: linear.outFeatures) : nil
    for o in 0..<linear.outFeatures {
      for f in 0..<linear.inFeatures {
        var sum: Double = 0
        for n in 0..<x.shape.batch {
          for q in 0..<positions {
            sum +=
              Double(dy.scalars[(n * linear.outFeatures + o) * positions + q])
              * Double(x.scalars[(n * linear.inFeatures + f) * positions + q])
            c.weightGradientMACs += 1
          }
        }
        dw[o * linear.inFeatures + f] = Float(sum)
      }
      if db != nil {
        var sum: Double = 0
        for n in 0..<x.shape.batch {
          for q in 0..<positions {
            sum += Double(dy.scalars[(n * linear.outFeatures + o) * positions + q])
            c.backwardFlops += 1
          }
        }
        db![o] = Float(sum)
      }
    }
    return (dw, db)
  }
}
