import CWorkerPool
import Foundation

/// A persistent pool of `workers` threads (CWorkerPool's `x3d_pool`, pthreads and C11 atomics): a region wakes them
/// through one atomic generation counter, the calling thread runs the first chunk, and the call returns when every
/// chunk is done. Between regions the workers spin briefly, then sleep on a condition variable. Deinitialising the
/// pool stops and joins its threads.
final class WorkerPool: @unchecked Sendable {
  private let pool: OpaquePointer
  /// Worker threads; a region runs on up to `workers + 1` threads, the caller included.
  let workers: Int

  /// `workers` (≥ 0) threads; nil when they cannot be created.
  init?(workers: Int) {
    guard workers >= 0, workers < Int(Int32.max), let pool = x3d_pool_create(Int32(workers)) else { return nil }
    self.pool = pool
    self.workers = workers
  }

  deinit { x3d_pool_destroy(pool) }

  /// Runs `body` over `chunks` contiguous ranges of `0..<count` (`count·c/chunks ..< count·(c+1)/chunks`, empty
  /// ones skipped), one per thread; false, with nothing run, when another region is running on this pool (from
  /// another thread, or nested inside a chunk) or `chunks` is not in `1...workers + 1`.
  func run(_ count: Int, chunks: Int, _ body: (Range<Int>) -> Void) -> Bool {
    guard count >= 0, chunks >= 1, chunks <= workers + 1 else { return false }
    return withoutActuallyEscaping(body) { escapable in
      var task = escapable
      return withUnsafeMutablePointer(to: &task) { pointer in
        x3d_pool_run(
          pool, count, Int32(chunks),
          { context, start, end in
            context!.assumingMemoryBound(to: ((Range<Int>) -> Void).self).pointee(start..<end)
          }, pointer) != 0
      }
    }
  }

  /// The process-wide pool that runs regions of `width` threads (`width − 1` workers), created on first use and
  /// kept for the life of the process; nil for a width of 1 or less.
  static func shared(width: Int) -> WorkerPool? {
    guard width > 1 else { return nil }
    return registry.withLock { pools in
      if let pool = pools[width] { return pool }
      let pool = WorkerPool(workers: width - 1)
      pools[width] = pool
      return pool
    }
  }

  /// Threads a region may use: the cores available (more threads than cores only wait on each other).
  static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

  private static let registry = Registry()
}

/// The shared pools by width, behind a lock.
private final class Registry: @unchecked Sendable {
  private let lock = NSLock()
  private var pools: [Int: WorkerPool] = [:]

  func withLock<Result>(_ body: (inout [Int: WorkerPool]) -> Result) -> Result {
    lock.lock()
    defer { lock.unlock() }
    return body(&pools)
  }
}
