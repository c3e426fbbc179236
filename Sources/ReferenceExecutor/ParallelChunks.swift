import Dispatch
import X3DModel

/// Splits `0..<count` into contiguous chunks run on up to `threads` cores with `DispatchQueue.concurrentPerform`.
@inline(__always) func parallelChunks(_ count: Int, threads: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
  let chunks = min(threads * 4, max(1, count / max(1, minimumChunk)))
  if threads <= 1 || chunks <= 1 {
    body(0..<count)
    return
  }
  withoutActuallyEscaping(body) { escapable in
    let work = UncheckedSendable(escapable)
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      let start = count * chunk / chunks
      let end = count * (chunk + 1) / chunks
      if start < end { work.value(start..<end) }
    }
  }
}

/// Hands a closure over raw buffers to `concurrentPerform`: each chunk writes a disjoint part of the output.
private struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

extension Tensor {
  /// A tensor whose elements `fill` writes (no zeroing first).
  init(shape: TensorShape, fill: (UnsafeMutablePointer<Float>) -> Void) {
    let count = shape.batch * shape.channels * shape.positions
    self.shape = shape
    self.scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      fill(buffer.baseAddress!)
      initialized = count
    }
  }
}
