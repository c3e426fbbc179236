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
