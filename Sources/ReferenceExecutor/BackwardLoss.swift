import Foundation
import X3DModel

/// The head's softmax over the classes and the training loss, forward and backward.
enum BackwardLoss {
  /// Softmax over the channels at each position, stable: per element a compare (the maximum), a subtraction, an
  /// exp, an add (the sum) and a division: five.
  static func softmax(_ x: Tensor, _ c: inout TrainingCounter) -> Tensor {
    var y = Tensor(zeros: x.shape)
    let (channels, positions) = (x.shape.channels, x.shape.positions)
    for n in 0..<x.shape.batch {
      for q in 0..<positions {
        func index(_ ch: Int) -> Int { (n * channels + ch) * positions + q }
        var largest = -Float.infinity
        for ch in 0..<channels { largest = max(largest, x.scalars[index(ch)]) }
        var sum: Float = 0
        for ch in 0..<channels {
          let e = Foundation.exp(x.scalars[index(ch)] - largest)
          y.scalars[index(ch)] = e
          sum += e
        }
        for ch in 0..<channels { y.scalars[index(ch)] /= sum }
        c.forwardFlops += 5 * channels
      }
    }
    return y
  }

  /// `dx = y·(dy − Σ_c dy·y)` from the saved output: a multiply and an add for the sum, a subtraction and a
  /// multiply for `dx`: four per element.
  static func softmaxBackward(_ dy: Tensor, output y: Tensor, _ c: inout TrainingCounter) -> Tensor {
    var dx = Tensor(zeros: y.shape)
    let (channels, positions) = (y.shape.channels, y.shape.positions)
    for n in 0..<y.shape.batch {
      for q in 0..<positions {
        func index(_ ch: Int) -> Int { (n * channels + ch) * positions + q }
        var dot: Double = 0
        for ch in 0..<channels { dot += Double(dy.scalars[index(ch)]) * Double(y.scalars[index(ch)]) }
        for ch in 0..<channels {
          dx.scalars[index(ch)] = Float(Double(y.scalars[index(ch)]) * (Double(dy.scalars[index(ch)]) - dot))
        }
        c.backwardFlops += 4 * channels
      }
    }
    return dx
  }

  /// The loss of a batch of class probabilities `p` `(N, K)` and labels: `L = −(1/N)·Σₙ log pₙ,ᵧₙ` (cross-entropy
  /// of the predicted distribution; the division by `N`, once per step, is not counted): a log and an add per
  /// sample. Its gradient is `−1/(N·pₙ,ᵧₙ)` at each label and zero elsewhere: a multiply and a division per sample.
  static func negativeLogLikelihood(_ p: Tensor, labels: [Int], _ c: inout TrainingCounter) -> (
    loss: Float, gradient: Tensor
  ) {
    let (batch, classes) = (p.shape.batch, p.shape.channels)
    var sum: Double = 0
    var gradient = Tensor(zeros: p.shape)
    for n in 0..<batch {
      let probability = Double(p.scalars[n * classes + labels[n]])
      sum += Foundation.log(probability)
      c.forwardFlops += 2
      gradient.scalars[n * classes + labels[n]] = Float(-1 / (Double(batch) * probability))
      c.backwardFlops += 2
    }
    return (Float(-sum / Double(batch)), gradient)
  }
}
