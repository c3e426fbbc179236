import CKernels
import Foundation

/// The instruction set ``FastBackend``'s kernels run with: the same C kernels (target CKernels), compiled once per
/// set, the set picked at run time by a CPU feature check, so the package needs no build flag and the binary runs
/// on any x86-64 or arm64 CPU.
///
/// The process default is ``selected``: the environment variable `X3D_KERNELS` (`portable`, `avx2`, `neon` or
/// `auto`) when set, otherwise ``best``.
public enum KernelInstructionSet: String, CaseIterable, Sendable {
  /// The architecture's baseline (SSE2 on x86-64, Advanced SIMD on arm64), multiply and add rounded separately.
  case portable
  /// x86-64 with AVX2 and FMA: eight lanes per register, fused multiply-adds.
  case avx2
  /// arm64 Advanced SIMD with fused multiply-adds.
  case neon

  /// Whether this binary holds the set and this CPU can run it.
  public var isAvailable: Bool { x3d_kernels_named(rawValue) != nil }

  /// The fastest set this CPU runs: avx2 on x86-64 with AVX2 and FMA, neon on arm64, portable otherwise.
  public static var best: KernelInstructionSet {
    KernelInstructionSet(rawValue: String(cString: x3d_kernels_best().pointee.name)) ?? .portable
  }

  /// The set `X3D_KERNELS` names, or ``best`` when it is unset or `auto`; decided once per process. A name that is
  /// unknown, or a set this CPU cannot run, gives one warning on standard error and ``best``.
  public static let selected: KernelInstructionSet = {
    let (set, warning) = fromEnvironment(ProcessInfo.processInfo.environment["X3D_KERNELS"])
    if let warning { FileHandle.standardError.write(Data(("warning: " + warning + "\n").utf8)) }
    return set
  }()

  /// The set for a value of `X3D_KERNELS` and, when the value cannot be honoured, the warning to give.
  static func fromEnvironment(_ value: String?) -> (KernelInstructionSet, warning: String?) {
    guard let value, !value.isEmpty, value != "auto" else { return (best, nil) }
    let names = (["auto"] + allCases.map(\.rawValue)).joined(separator: ", ")
    guard let set = KernelInstructionSet(rawValue: value) else {
      return (best, "X3D_KERNELS=\(value) is not one of \(names); using \(best.rawValue)")
    }
    guard set.isAvailable else {
      return (best, "X3D_KERNELS=\(value): this CPU or build has no \(value) kernels; using \(best.rawValue)")
    }
    return (set, nil)
  }

  /// The set's function table, when available.
  var table: KernelTable? { x3d_kernels_named(rawValue).map(KernelTable.init) }
}

/// One set's C function table. The tables are immutable statics of the C target, so sharing them is safe.
struct KernelTable: @unchecked Sendable {
  let pointer: UnsafePointer<x3d_kernel_set>
  var functions: x3d_kernel_set { pointer.pointee }
}
