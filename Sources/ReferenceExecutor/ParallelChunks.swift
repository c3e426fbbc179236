import Dispatch
import X3DModel

/// Splits `0..<count` into `min(threads, cores, count / minimumChunk)` contiguous, nearly equal chunks, one per
/// thread, run on the persistent ``WorkerPool`` of that width (the calling thread runs the first). When that pool
/// is busy (a region running on another thread, or a region nested in a chunk), the chunks go to
/// `DispatchQueue.concurrentPerform` instead, so no caller waits on another.
@inline(__always) func parallelChunks(_ count: Int, threads: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
  let width = min(threads, WorkerPool.cores)
  let chunks = min(width, max(1, count / max(1, minimumChunk)))
  if chunks <= 1 {
    body(0..<count)
    return
  }
  if let pool = WorkerPool.shared(width: width), pool.run(count, chunks: chunks, body) { return }
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
