import Foundation
import X3DModel

/// BatchNorm3d in training mode: each channel normalised with the mean and biased variance of its own `M = N·T·H·W`
/// elements in the batch, `y = (x − μ)·γ/√(σ² + ε) + β`. (PyTorch also updates the running statistics, a few
/// operations per channel; they do not change the step's gradients and are not done here.)
enum BackwardNorm {
  /// The batch statistics a forward pass keeps for backward, per channel.
  struct Statistics: Sendable {
    var mean: [Float]
    var inverseDeviation: [Float]
  }

  /// Per element: one addition for the mean, three for the variance (subtract, square, add), two to normalise
  /// (`x·a + b` with the per-channel `a = γ/√(σ² + ε)`, `b = β − μ·a`): six FLOPs.
  static func forward(
    _ x: Tensor, scale: [Float], shift: [Float], epsilon: Float = 1e-5, _ c: inout TrainingCounter
  ) -> (Tensor, Statistics) {
    var y = Tensor(zeros: x.shape)
    let (channels, positions, batch) = (x.shape.channels, x.shape.positions, x.shape.batch)
    let count = Double(batch * positions)
    var statistics = Statistics(
      mean: [Float](repeating: 0, count: channels), inverseDeviation: [Float](repeating: 0, count: channels))
    for ch in 0..<channels {
      func index(_ n: Int, _ q: Int) -> Int { (n * channels + ch) * positions + q }
      var sum: Double = 0
      for n in 0..<batch {
        for q in 0..<positions {
          sum += Double(x.scalars[index(n, q)])
          c.forwardFlops += 1
        }
      }
      let mean = sum / count
      var squares: Double = 0
      for n in 0..<batch {
        for q in 0..<positions {
          let deviation = Double(x.scalars[index(n, q)]) - mean
          squares += deviation * deviation
          c.forwardFlops += 3
        }
      }
      let inverse = 1 / (squares / count + Double(epsilon)).squareRoot()
      let a = Double(scale[ch]) * inverse
      let b = Double(shift[ch]) - mean * a
      for n in 0..<batch {
        for q in 0..<positions {
          y.scalars[index(n, q)] = Float(Double(x.scalars[index(n, q)]) * a + b)
          c.forwardFlops += 2
        }
      }
      statistics.mean[ch] = Float(mean)
      statistics.inverseDeviation[ch] = Float(inverse)
    }
    return (y, statistics)
  }

  /// With `x̂ = (x − μ)·r` (`r = 1/√(σ² + ε)`): `dβ = Σ dy`, `dγ = Σ dy·x̂`,
  /// `dx = (dy − dβ/M − x̂·dγ/M)·γ·r`. Per element: five FLOPs for the sums (x̂: 2, `Σ dy`: 1, `Σ dy·x̂`: 2), six
  /// for `dx` (x̂ again: 2, one multiply, two subtractions, one multiply): eleven.
  static func backward(
    _ dy: Tensor, _ x: Tensor, scale: [Float], _ statistics: Statistics, _ c: inout TrainingCounter
  ) -> (input: Tensor, scale: [Float], shift: [Float]) {
    var dx = Tensor(zeros: x.shape)
    let (channels, positions, batch) = (x.shape.channels, x.shape.positions, x.shape.batch)
    let count = Double(batch * positions)
    var dScale = [Float](repeating: 0, count: channels)
    var dShift = [Float](repeating: 0, count: channels)
    for ch in 0..<channels {
      func index(_ n: Int, _ q: Int) -> Int { (n * channels + ch) * positions + q }
      let (mean, r) = (Double(statistics.mean[ch]), Double(statistics.inverseDeviation[ch]))
      var sumDy: Double = 0
      var sumDyXHat: Double = 0
      for n in 0..<batch {
        for q in 0..<positions {
          let xHat = (Double(x.scalars[index(n, q)]) - mean) * r
          let g = Double(dy.scalars[index(n, q)])
          sumDy += g
          sumDyXHat += g * xHat
          c.backwardFlops += 5
        }
      }
      let (meanDy, meanDyXHat) = (sumDy / count, sumDyXHat / count)
      let factor = Double(scale[ch]) * r
      for n in 0..<batch {
        for q in 0..<positions {
          let xHat = (Double(x.scalars[index(n, q)]) - mean) * r
          dx.scalars[index(n, q)] = Float((Double(dy.scalars[index(n, q)]) - meanDy - xHat * meanDyXHat) * factor)
          c.backwardFlops += 6
        }
      }
      dScale[ch] = Float(sumDyXHat)
      dShift[ch] = Float(sumDy)
    }
    return (dx, dScale, dShift)
  }
}
