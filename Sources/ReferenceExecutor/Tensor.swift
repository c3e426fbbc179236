import X3DModel

/// A dense float32 tensor in PyTorch's contiguous video layout `(N, C, T, H, W)` (or `(N, K)` for a flat shape):
/// the element at `(n, c, t, h, w)` is `scalars[(((n·C + c)·T + t)·H + h)·W + w]`.
public struct Tensor: Sendable, Equatable {
  public var shape: TensorShape
  public var scalars: [Float]

  /// A tensor of `shape` holding `scalars`; throws when the counts disagree or the shape overflows.
  public init(shape: TensorShape, scalars: [Float]) throws(ExecutorError) {
    let count = try Self.elementCount(shape)
    guard count == scalars.count else {
      throw .elementCount(shape: shape.description, expected: count, observed: scalars.count)
    }
    self.shape = shape
    self.scalars = scalars
  }

  /// A zero-filled tensor (the shape's element count must already be known to fit).
  init(zeros shape: TensorShape) {
    self.shape = shape
    self.scalars = [Float](repeating: 0, count: shape.batch * shape.channels * shape.positions)
  }

  /// Bytes held by the elements.
  public var byteCount: Int { scalars.count * MemoryLayout<Float>.size }

  /// `N·C·T·H·W`, or an error naming the shape.
  static func elementCount(_ shape: TensorShape) throws(ExecutorError) -> Int {
    do { return try shape.elementCount() } catch {
      throw .tooLarge(what: "tensor of shape \(shape)")
    }
  }
}

extension Tensor {
  /// The multi-index `(n, c, t, h, w)` of a flat element index (for messages).
  func coordinates(of index: Int) -> [Int] {
    let s = shape
    if s.isFlat { return [index / s.channels, index % s.channels] }
    var rest = index
    let w = rest % s.width
    rest /= s.width
    let h = rest % s.height
    rest /= s.height
    let t = rest % s.frames
    rest /= s.frames
    return [rest / s.channels, rest % s.channels, t, h, w]
  }

  /// The first element that is NaN or infinite, with its coordinates; nil when every element is finite.
  public func firstNonFinite() -> (coordinates: [Int], value: Float)? {
    guard let index = scalars.firstIndex(where: { !$0.isFinite }) else { return nil }
    return (coordinates(of: index), scalars[index])
  }
}
