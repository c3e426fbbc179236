import X3DModel

extension FastBackend {
  /// A new tensor of `x`'s shape whose `(n, c)` rows `body(row, input, output, length)` writes; rows in parallel.
  @inline(__always)
  func mapRows(
    _ x: Tensor, _ counter: inout KernelCounter,
    _ body: (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
  ) -> Tensor {
    let positions = x.shape.positions
    let rowCount = x.shape.batch * x.shape.channels
    counter.outputElements += x.scalars.count
    return Tensor(shape: x.shape) { y in
      x.scalars.withUnsafeBufferPointer { xs in
        let source = xs.baseAddress!
        parallelChunks(rowCount, threads: threads, minimumChunk: max(1, 16_384 / positions)) { range in
          for row in range { body(row, source + row * positions, y + row * positions, positions) }
        }
      }
    }
  }
}

/// Eight elements at a time, the tail through a zero-padded vector.
@inline(__always)
func mapVectors(
  _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ count: Int, _ f: (Vector) -> Vector
) {
  var q = 0
  while q + 8 <= count {
    output.store(f(input.vector(q)), q)
    q += 8
  }
  if q < count {
    var tail = Vector()
    for lane in 0..<(count - q) { tail[lane] = input[q + lane] }
    output.store(f(tail), q, count: count - q)
  }
}
