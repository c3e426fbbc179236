import X3DModel

extension Tensor {
  /// A tensor of `shape` whose elements, in layout order, are uniform in `[−1, 1)` from ``SplitMix64`` seeded with
  /// `seed`: the one seeded random clip of `run`, `verify`, the NASWOT criterion, the tests and the benchmarks.
  public static func uniform(_ shape: TensorShape, seed: UInt64) throws(ExecutorError) -> Tensor {
    var generator = SplitMix64(seed: seed)
    let count = try elementCount(shape)
    return try Tensor(shape: shape, scalars: (0..<count).map { _ in generator.uniform(-1, 1) })
  }
}
