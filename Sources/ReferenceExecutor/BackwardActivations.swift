import Foundation
import X3DModel

/// ReLU, Swish and sigmoid for training: forward and backward, elementwise, each counting its FLOPs per element.
enum BackwardActivations {
  /// `max(x, 0)`: one compare.
  static func relu(_ x: Tensor, _ c: inout TrainingCounter) -> Tensor {
    map(x, flops: 1, &c.forwardFlops) { max($0, 0) }
  }

  /// `dx = y > 0 ? dy : 0` from the saved output: one compare.
  static func reluBackward(_ dy: Tensor, output y: Tensor, _ c: inout TrainingCounter) -> Tensor {
    zip(dy, y, flops: 1, &c.backwardFlops) { g, y in y > 0 ? g : 0 }
  }

  /// `x·σ(x)`, `σ(x) = 1/(1 + e^(−x))`: negate, exp, add, divide, multiply: five.
  static func swish(_ x: Tensor, _ c: inout TrainingCounter) -> Tensor {
    map(x, flops: 5, &c.forwardFlops) { $0 / (1 + Foundation.exp(-$0)) }
  }

  /// `dx = dy·s·(1 + x·(1 − s))`, `s = σ(x)` recomputed from the saved input (pytorchvideo's SwishFunction): four
  /// for `s`, five for the rest: nine.
  static func swishBackward(_ dy: Tensor, input x: Tensor, _ c: inout TrainingCounter) -> Tensor {
    zip(dy, x, flops: 9, &c.backwardFlops) { g, x in
      let s = 1 / (1 + Foundation.exp(-x))
      return g * (s * (1 + x * (1 - s)))
    }
  }

  /// `1/(1 + e^(−x))`: four.
  static func sigmoid(_ x: Tensor, _ c: inout TrainingCounter) -> Tensor {
    map(x, flops: 4, &c.forwardFlops) { 1 / (1 + Foundation.exp(-$0)) }
  }

  /// `dx = dy·y·(1 − y)` from the saved output: three.
  static func sigmoidBackward(_ dy: Tensor, output y: Tensor, _ c: inout TrainingCounter) -> Tensor {
    zip(dy, y, flops: 3, &c.backwardFlops) { g, y in g * y * (1 - y) }
  }

  static func map(_ x: Tensor, flops: Int, _ count: inout Int, _ f: (Float) -> Float) -> Tensor {
    var y = x
    for index in y.scalars.indices {
      y.scalars[index] = f(x.scalars[index])
      count += flops
    }
    return y
  }

  static func zip(_ a: Tensor, _ b: Tensor, flops: Int, _ count: inout Int, _ f: (Float, Float) -> Float) -> Tensor {
    var y = a
    for index in y.scalars.indices {
      y.scalars[index] = f(a.scalars[index], b.scalars[index])
      count += flops
    }
    return y
  }
}
