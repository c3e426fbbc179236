import X3DModel

/// Means over positions or windows, squeeze-excitation's scale and the residual add, for training: forward and
/// backward, each counting its FLOPs. Constants computed once per kernel (`1/P`, `1/v`) are not counted.
enum BackwardPooling {
  /// Mean of each row of `P` elements: `P − 1` additions and one division, `P` per row (squeeze-excitation's
  /// squeeze `(N, C, T, H, W)` → `(N, C, 1, 1, 1)` and the head's mean over positions `(N, K, T, H, W)` → `(N, K)`).
  static func rowMean(_ x: Tensor, to shape: TensorShape, _ c: inout TrainingCounter) -> Tensor {
    var y = Tensor(zeros: shape)
    let positions = x.shape.positions
    for row in 0..<(x.shape.batch * x.shape.channels) {
      var sum = x.scalars[row * positions]
      for q in 1..<positions { sum += x.scalars[row * positions + q] }
      y.scalars[row] = sum / Float(positions)
      c.forwardFlops += positions
    }
    return y
  }

  /// `dx[row, q] = dy[row]·(1/P)`: one multiply per input element.
  static func rowMeanBackward(_ dy: Tensor, input: TensorShape, _ c: inout TrainingCounter) -> Tensor {
    var dx = Tensor(zeros: input)
    let positions = input.positions
    let inverse = 1 / Float(positions)
    for row in 0..<(input.batch * input.channels) {
      for q in 0..<positions {
        dx.scalars[row * positions + q] = dy.scalars[row] * inverse
        c.backwardFlops += 1
      }
    }
    return dx
  }

  /// Window mean, stride 1, no padding: ``ReferenceBackend``'s kernel; `v − 1` additions and one division per
  /// output element.
  static func averagePool(_ x: Tensor, kernel: Triple, _ c: inout TrainingCounter) -> Tensor {
    var counter = KernelCounter()
    let y = ReferenceBackend().averagePool(x, kernel: kernel, &counter)
    c.forwardFlops += counter.outputElements * kernel.volume
    return y
  }

  /// Each output's `dy·(1/v)` (one multiply) added to the `v` inputs of its window (`v` additions).
  static func averagePoolBackward(_ dy: Tensor, input i: TensorShape, kernel k: Triple, _ c: inout TrainingCounter)
    -> Tensor
  {
    var dx = Tensor(zeros: i)
    let out = dy.shape
    let inverse = 1 / Float(k.volume)
    for row in 0..<(out.batch * out.channels) {
      for to in 0..<out.frames {
        for ho in 0..<out.height {
          for wo in 0..<out.width {
            let g = dy.scalars[((row * out.frames + to) * out.height + ho) * out.width + wo] * inverse
            c.backwardFlops += 1
            for kt in 0..<k.t {
              for kh in 0..<k.h {
                for kw in 0..<k.w {
                  dx.scalars[((row * i.frames + to + kt) * i.height + ho + kh) * i.width + wo + kw] += g
                  c.backwardFlops += 1
                }
              }
            }
          }
        }
      }
    }
    return dx
  }

  /// `x·gate`, the `(N, C, 1, 1, 1)` gate broadcast: one multiply per element.
  static func channelScale(_ x: Tensor, _ gate: Tensor, _ c: inout TrainingCounter) -> Tensor {
    var y = Tensor(zeros: x.shape)
    let positions = x.shape.positions
    for row in 0..<(x.shape.batch * x.shape.channels) {
      for q in 0..<positions {
        y.scalars[row * positions + q] = x.scalars[row * positions + q] * gate.scalars[row]
        c.forwardFlops += 1
      }
    }
    return y
  }

  /// `dx = dy·gate` (one multiply) and `dgate[row] = Σ_q dy·x` (a multiply and an add): three per element.
  static func channelScaleBackward(_ dy: Tensor, _ x: Tensor, _ gate: Tensor, _ c: inout TrainingCounter)
    -> (input: Tensor, gate: Tensor)
  {
    var dx = Tensor(zeros: x.shape)
    var dGate = Tensor(zeros: gate.shape)
    let positions = x.shape.positions
    for row in 0..<(x.shape.batch * x.shape.channels) {
      var sum: Double = 0
      for q in 0..<positions {
        let index = row * positions + q
        dx.scalars[index] = dy.scalars[index] * gate.scalars[row]
        sum += Double(dy.scalars[index]) * Double(x.scalars[index])
        c.backwardFlops += 3
      }
      dGate.scalars[row] = Float(sum)
    }
    return (dx, dGate)
  }

  /// `a + b`: one add per element. Its backward hands `dy` to both inputs unchanged (no arithmetic).
  static func add(_ a: Tensor, _ b: Tensor, _ c: inout TrainingCounter) -> Tensor {
    var y = a
    for index in y.scalars.indices {
      y.scalars[index] = a.scalars[index] + b.scalars[index]
      c.forwardFlops += 1
    }
    return y
  }

  /// Sums a second gradient into a tensor's gradient (autograd's accumulation for a tensor read twice): one add
  /// per element, counted on the node that produced the tensor.
  static func accumulate(_ sum: inout Tensor, _ more: Tensor, _ c: inout TrainingCounter) {
    for index in sum.scalars.indices {
      sum.scalars[index] += more.scalars[index]
      c.backwardFlops += 1
    }
  }
}
