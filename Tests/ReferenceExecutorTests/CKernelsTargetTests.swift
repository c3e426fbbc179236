import Foundation
import TestSupport
import Testing

/// The C kernels compile for every architecture the package promises, not only the host's: clang (the one Swift
/// ships, found on PATH) compiles each file of Sources/CKernels for arm64 Linux and macOS and for x86-64 macOS, with
/// warnings as errors. The sources include no C library header, so no cross sysroot is needed. Where qemu-aarch64
/// is installed (Debian's qemu-user), Tests/CKernelsCheck/check_kernels.c is linked with them for arm64 and run:
/// the neon and portable sets against double-precision loops.
@Suite("CKernels compile for arm64 and x86-64 targets")
struct CKernelsTargetTests {
  static func onPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  static let clang = onPath("clang")
  static let arm64Runner: (clang: String, qemu: String)? = {
    #if arch(x86_64) && os(Linux)
      guard let clang, onPath("ld.lld") != nil, let qemu = onPath("qemu-aarch64") else { return nil }
      return (clang, qemu)
    #else
      return nil
    #endif
  }()

  /// Runs `executable arguments…`; the exit status and what it printed (standard output and error together).
  static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text)
  }

  static let sources = Fixtures.repositoryRoot.appendingPathComponent("Sources/CKernels")

  @Test(
    "every C file compiles", .enabled(if: clang != nil, "skipped: no clang on PATH (Swift's toolchain ships one)"),
    arguments: ["aarch64-unknown-linux-gnu", "arm64-apple-macos13", "x86_64-apple-macos13", "x86_64-unknown-linux-gnu"])
  func compiles(_ target: String) throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path).filter { $0.hasSuffix(".c") }
      .sorted()
    #expect(files.contains("kernels_neon.c") && files.contains("kernels_avx2.c") && files.contains("dispatch.c"))
    for file in files {
      let result = try Self.run(
        Self.clang!,
        [
          "--target=\(target)", "-O1", "-Wall", "-Wextra", "-Werror", "-I",
          Self.sources.appendingPathComponent("include").path, "-c", Self.sources.appendingPathComponent(file).path,
          "-o", "/dev/null",
        ])
      #expect(result.status == 0, "clang --target=\(target) \(file):\n\(result.output)")
    }
  }

  @Test(
    "the neon and portable sets compute right on arm64 (qemu-aarch64)",
    .enabled(
      if: arm64Runner != nil,
      "skipped: needs x86-64 Linux with clang, ld.lld (Swift's toolchain) and qemu-aarch64 (Debian's qemu-user)"))
  func arm64Kernels() throws {
    let (clang, qemu) = Self.arm64Runner!
    let binary = FileManager.default.temporaryDirectory.appendingPathComponent("check-kernels-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: binary) }
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path).filter { $0.hasSuffix(".c") }
      .map { Self.sources.appendingPathComponent($0).path }
    let harness = Fixtures.repositoryRoot.appendingPathComponent("Tests/CKernelsCheck/check_kernels.c").path
    let build = try Self.run(
      clang,
      [
        "--target=aarch64-linux-gnu", "-O2", "-ffreestanding", "-nostdlib", "-static", "-fuse-ld=lld", "-fno-builtin",
        "-Wall", "-Wextra", "-Werror", "-I", Self.sources.appendingPathComponent("include").path, harness,
      ] + files + ["-o", binary.path])
    try #require(build.status == 0, "building check_kernels.c for arm64:\n\(build.output)")
    let result = try Self.run(qemu, [binary.path])
    #expect(result.status == 0, "\(result.output)")
    #expect(result.output.contains("neon interleaved_depthwise 11 channels 2×3×5: ok"), "\(result.output)")
    #expect(result.output.contains("portable pointwise_blocks 13→14 at 37 positions: ok"), "\(result.output)")
    #expect(result.output.contains("neon depthwise_333 with ReLU (same plane): ok"), "\(result.output)")
    #expect(
      result.output.contains("neon pointwise_fused 13→14 at 37 positions, residual and ReLU: ok"), "\(result.output)")
    #expect(
      result.output.contains("neon pointwise_transformed 13→14 at 300 positions (two panel groups): ok"),
      "\(result.output)")
    #expect(result.output.hasSuffix("best: neon\n"), "\(result.output)")
  }
}
