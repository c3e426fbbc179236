import Dispatch
import X3DModel

/// Eight float lanes: one AVX register on the `-target-cpu haswell` release build.
///
/// Multiply-accumulate is written `acc.addProduct(x, w)`: with Swift 6.3 it compiles to one `vfmadd231ps`, while
/// `acc += x * w` stays a separate multiply and add (Swift never contracts them). On this machine's X3D-S 1×1×1
/// layers that is 140–190 GFLOP/s against 27–50 (x3d-exec-bench, both cores).
typealias Vector = SIMD8<Float>

extension UnsafePointer where Pointee == Float {
  /// Eight consecutive elements from any address.
  @inline(__always) func vector(_ offset: Int = 0) -> Vector {
    UnsafeRawPointer(self + offset).loadUnaligned(as: Vector.self)
  }
}

extension UnsafeMutablePointer where Pointee == Float {
  @inline(__always) func vector(_ offset: Int = 0) -> Vector {
    UnsafeRawPointer(self + offset).loadUnaligned(as: Vector.self)
  }

  @inline(__always) func store(_ value: Vector, _ offset: Int = 0) {
    UnsafeMutableRawPointer(self + offset).storeBytes(of: value, as: Vector.self)
  }

  /// Stores the first `count` lanes (a row's tail).
  @inline(__always) func store(_ value: Vector, _ offset: Int, count: Int) {
    for lane in 0..<count { self[offset + lane] = value[lane] }
  }
}

enum VectorMath {
  /// `eˣ` per lane, Cephes' `expf` (range reduction by ln 2, degree-6 polynomial, exponent built from bits);
  /// about 2 ulp on [−87, 88], inputs clamped there.
  @inline(__always) static func exp(_ input: Vector) -> Vector {
    // (`replacing(with:where:)` compiles to vmaxps/vminps; `pointwiseMin/Max` do not.)
    var x = input.replacing(with: -87.3, where: input .< -87.3)
    x = x.replacing(with: 88.3, where: x .> 88.3)
    let magic = Vector(repeating: 12_582_912)  // 1.5·2²³: adding it rounds to an integer held in the low bits
    let shifted = x * Vector(repeating: 1.442_695_04) + magic
    let n = shifted - magic
    let r = x - n * Vector(repeating: 0.693_359_375) - n * Vector(repeating: -2.121_944_4e-4)
    var p = Vector(repeating: 1.987_569_15e-4)
    p = Vector(repeating: 1.398_199_95e-3).addingProduct(p, r)
    p = Vector(repeating: 8.333_451_9e-3).addingProduct(p, r)
    p = Vector(repeating: 4.166_579_59e-2).addingProduct(p, r)
    p = Vector(repeating: 1.666_666_55e-1).addingProduct(p, r)
    p = Vector(repeating: 5.000_000_12e-1).addingProduct(p, r)
    p = p * (r * r) + r + Vector(repeating: 1)
    let exponent = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
    return p * unsafeBitCast(exponent, to: Vector.self)
  }

  @inline(__always) static func sigmoid(_ x: Vector) -> Vector {
    Vector(repeating: 1) / (Vector(repeating: 1) + exp(-x))
  }
}

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
