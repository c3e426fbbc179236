import CostModel
import Dispatch

/// A short measurement of this machine's CPU on one core, in portable Swift (no build flags, so the compiler emits
/// the baseline instruction set of the target: SSE2 on x86-64, NEON on arm64):
///
/// - arithmetic: six independent chains of `x = x·m + c` on `SIMD8<Float>` (a multiply and an add per lane, two
///   FLOPs), best of five runs of about 20 ms. It measures what portable vector code attains, not the FMA peak of
///   wider instruction sets; calibration (`e` per class) absorbs the difference for kernels built otherwise;
/// - bandwidth: STREAM's triad `a[i] = b[i] + s·c[i]` over three arrays of 8 Mi floats (96 MiB, beyond the
///   caches), 12 bytes per element (reads and writes, no write-allocate), best of five passes.
///
/// f16 and bf16 get the f32 peak (the portable code computes in f32).
public enum HostProbe {
  public struct Result: Sendable {
    public var flopsPerSecond: Double
    public var bytesPerSecond: Double
  }

  public static func measure() -> Result {
    Result(flopsPerSecond: arithmetic(), bytesPerSecond: triad())
  }

  /// The profile of this machine, named `host`.
  public static func profile(_ result: Result = measure(), description: String) -> HardwareProfile {
    HardwareProfile(
      name: "host",
      source: "measured by x3d-cost calibrate --host on \(description): SIMD8 multiply-add chains and a STREAM triad,"
        + " one core",
      peakFlopsPerSecond: [.f32: result.flopsPerSecond, .f16: result.flopsPerSecond, .bf16: result.flopsPerSecond],
      memoryBytesPerSecond: result.bytesPerSecond)
  }

  static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

  @inline(never)
  static func chains(_ iterations: Int, _ seed: Float) -> SIMD8<Float> {
    let m = SIMD8<Float>(repeating: 0.999_999)
    let c = SIMD8<Float>(repeating: 1e-6)
    var x0 = SIMD8<Float>(repeating: seed)
    var (x1, x2, x3, x4, x5) = (x0 + 1, x0 + 2, x0 + 3, x0 + 4, x0 + 5)
    for _ in 0..<iterations {
      x0 = x0 * m + c
      x1 = x1 * m + c
      x2 = x2 * m + c
      x3 = x3 * m + c
      x4 = x4 * m + c
      x5 = x5 * m + c
    }
    return x0 + x1 + x2 + x3 + x4 + x5
  }

  static func arithmetic() -> Double {
    var iterations = 1 << 16
    var best = 0.0
    var sink = SIMD8<Float>()
    // Grow the run to about 20 ms, then keep the best of five.
    while true {
      let start = now()
      sink += chains(iterations, Float(iterations & 7))
      let elapsed = Double(now() - start) * 1e-9
      if elapsed > 0.02 || iterations > 1 << 30 { break }
      iterations *= 2
    }
    for _ in 0..<5 {
      let start = now()
      sink += chains(iterations, sink[0] > 1e30 ? 1 : 0.5)
      let elapsed = Double(now() - start) * 1e-9
      best = max(best, Double(iterations) * 6 * 8 * 2 / elapsed)
    }
    return sink[0].isNaN ? best * 0.999 : best
  }

  static func triad() -> Double {
    let count = 8 << 20
    var a = [Float](repeating: 0, count: count)
    let b = [Float](repeating: 1, count: count)
    let c = [Float](repeating: 2, count: count)
    var best = 0.0
    for pass in 0..<5 {
      let s = Float(pass) + 0.5
      let start = now()
      a.withUnsafeMutableBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          c.withUnsafeBufferPointer { c in
            for i in 0..<count { a[i] = b[i] + s * c[i] }
          }
        }
      }
      let elapsed = Double(now() - start) * 1e-9
      best = max(best, Double(12 * count) / elapsed)
    }
    return a[count / 2] == 0 ? best * 0.999 : best
  }
}
