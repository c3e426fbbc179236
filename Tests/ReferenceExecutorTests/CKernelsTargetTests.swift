import Foundation
import TestSupport
import Testing

/// The C kernels compile for every architecture the package promises, not only the host's: clang (the one Swift
/// ships, found on PATH) compiles each file of Sources/CKernels for arm64 Linux and macOS and for x86-64 macOS, with
/// warnings as errors. The sources include no C library header, so no cross sysroot is needed.
@Suite("CKernels compile for arm64 and x86-64 targets")
struct CKernelsTargetTests {
  static let clang: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/clang" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  static let sources = Fixtures.repositoryRoot.appendingPathComponent("Sources/CKernels")

  @Test(
    "every C file compiles", .enabled(if: clang != nil, "skipped: no clang on PATH (Swift's toolchain ships one)"),
    arguments: ["aarch64-unknown-linux-gnu", "arm64-apple-macos13", "x86_64-apple-macos13", "x86_64-unknown-linux-gnu"])
  func compiles(_ target: String) throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path).filter { $0.hasSuffix(".c") }
      .sorted()
    #expect(files.contains("kernels_neon.c") && files.contains("kernels_avx2.c") && files.contains("dispatch.c"))
    for file in files {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: Self.clang!)
      process.arguments = [
        "--target=\(target)", "-O1", "-Wall", "-Wextra", "-Werror", "-I",
        Self.sources.appendingPathComponent("include").path,
        "-c", Self.sources.appendingPathComponent(file).path, "-o", "/dev/null",
      ]
      let errors = Pipe()
      process.standardError = errors
      try process.run()
      let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(process.terminationStatus == 0, "clang --target=\(target) \(file):\n\(message)")
    }
  }
}
