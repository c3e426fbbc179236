import Foundation
import Testing

@testable import ReferenceExecutor

/// The persistent worker pool behind `parallelChunks`: coverage, reuse, refusal when busy, threads joined on deinit.
@Suite("Worker pool: every index once, reuse, busy refusal, joined threads")
struct WorkerPoolTests {
  /// How many times each index of `0..<count` was visited by one region of `chunks` chunks.
  static func visits(_ pool: WorkerPool, count: Int, chunks: Int) -> [Int] {
    let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(count, 1))
    defer { hits.deallocate() }
    hits.initialize(repeating: 0)
    let ran = pool.run(count, chunks: chunks) { range in
      for index in range { hits[index] += 1 }
    }
    #expect(ran)
    return Array(hits.prefix(count))
  }

  @Test("every index is covered exactly once, for many sizes and widths")
  func coverage() throws {
    for workers in [0, 1, 2, 3, 7] {
      let pool = try #require(WorkerPool(workers: workers))
      for chunks in 1...(workers + 1) {
        for count in [0, 1, 2, 3, 5, 8, 13, 64, 1000, 4097] {
          #expect(
            Self.visits(pool, count: count, chunks: chunks) == Array(repeating: 1, count: count),
            "workers \(workers), chunks \(chunks), count \(count)")
        }
      }
    }
  }

  @Test("chunks are contiguous and equal to within one, one per thread")
  func chunkBounds() throws {
    let pool = try #require(WorkerPool(workers: 3))
    let ranges = Locked<[Range<Int>]>([])
    #expect(pool.run(10, chunks: 4) { range in ranges.withLock { $0.append(range) } })
    #expect(ranges.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound } == [0..<2, 2..<5, 5..<7, 7..<10])
  }

  @Test("one pool runs thousands of regions, and sums agree with the serial sum")
  func reuse() throws {
    let pool = try #require(WorkerPool(workers: 1))
    let values = (0..<997).map { Double($0 % 13) - 6.5 }
    let expected = values.reduce(0, +)
    for round in 0..<5000 {
      var partial = [Double](repeating: 0, count: 2)
      let ran = partial.withUnsafeMutableBufferPointer { sums in
        pool.run(values.count, chunks: 2) { range in
          let slot = range.lowerBound == 0 ? 0 : 1
          sums[slot] = values[range].reduce(0, +)
        }
      }
      #expect(ran)
      if partial[0] + partial[1] != expected {
        Issue.record("round \(round): \(partial) does not sum to \(expected)")
        break
      }
    }
  }

  @Test("a region nested in a chunk, or chunks out of range, is refused, not deadlocked")
  func busyRefusal() throws {
    let pool = try #require(WorkerPool(workers: 1))
    let nested = Locked<[Bool]>([])
    #expect(
      pool.run(2, chunks: 2) { _ in
        let ran = pool.run(4, chunks: 2) { _ in }
        nested.withLock { $0.append(ran) }
      })
    #expect(nested.withLock { $0 } == [false, false])
    #expect(!pool.run(4, chunks: 3) { _ in })
    #expect(!pool.run(4, chunks: 0) { _ in })
    // parallelChunks falls back to Dispatch when nested, so every index is still covered once.
    let hits = Locked<[Int]>(Array(repeating: 0, count: 64))
    parallelChunks(8, threads: 2) { outer in
      for o in outer {
        parallelChunks(8, threads: 2) { inner in
          for i in inner { hits.withLock { $0[o * 8 + i] += 1 } }
        }
      }
    }
    #expect(hits.withLock { $0 } == Array(repeating: 1, count: 64))
  }

  @Test("regions from several threads at once all complete")
  func concurrentCallers() {
    let total = Locked(0)
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      for _ in 0..<200 {
        parallelChunks(100, threads: 2) { range in total.withLock { $0 += range.count } }
      }
    }
    #expect(total.withLock { $0 } == 8 * 200 * 100)
  }

  #if os(Linux)
    /// Threads of this process named `x3d-pool` (the pool's workers), from /proc.
    static func poolThreads() throws -> Int {
      let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
      return tasks.filter { task in
        (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?.hasPrefix("x3d-pool") == true
      }.count
    }

    @Test("deinitialising a pool stops and joins its workers")
    func joinsOnDeinit() throws {
      let before = try Self.poolThreads()
      var during = 0
      do {
        let pools = (0..<20).compactMap { _ in WorkerPool(workers: 3) }
        #expect(pools.count == 20)
        for pool in pools { #expect(Self.visits(pool, count: 10, chunks: 4) == Array(repeating: 1, count: 10)) }
        during = try Self.poolThreads()
        #expect(during >= before + 60)
      }
      // Tests running alongside may create the shared pools (at most `cores` threads) meanwhile.
      #expect(try Self.poolThreads() <= during - 60 + WorkerPool.cores)
    }
  #endif
}

/// A value behind a lock, for chunks that record what they saw (macOS 13 has no `Mutex`).
final class Locked<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value
  init(_ value: Value) { self.value = value }
  func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
    lock.lock()
    defer { lock.unlock() }
    return body(&value)
  }
}
