import Foundation
import TestSupport
import Testing

/// Every command on an x86-64 CPU without AVX, AVX2 or FMA: the built binary under `qemu-x86_64 -cpu Westmere`
/// (Debian's qemu-user). A binary compiled for a newer CPU dies there with SIGILL; this one must pick the portable
/// kernels and behave exactly as on the host. `X3D_COST_BINARY` names another binary to check (CI checks the
/// release build this way); by default the one this test bundle was built with.
@Suite("Every command under qemu-x86_64 -cpu Westmere")
struct WestmereTests {
  static let qemu: String? = {
    #if arch(x86_64) && os(Linux)
      let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
      return path.split(separator: ":").map { "\($0)/qemu-x86_64" }.first {
        FileManager.default.isExecutableFile(atPath: $0)
      }
    #else
      return nil
    #endif
  }()

  static var binary: String {
    ProcessInfo.processInfo.environment["X3D_COST_BINARY"] ?? CommandRunner.executable.path
  }

  let small = [
    "--frames", "2", "--crop", "32", "--depth-factor", "0.4", "--bottleneck-factor", "0.5", "--classes", "5",
  ]

  struct Result {
    var status: Int32
    var standardOutput: String
    var standardError: String
  }

  /// Runs `x3d-cost arguments…` under qemu in `directory`; fails the test on a signal.
  func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.qemu!)
    process.arguments = ["-cpu", "Westmere", Self.binary] + arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let (out, err) = (Pipe(), Pipe())
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let result = Result(
      status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
      standardError: String(decoding: errData, as: UTF8.self))
    #expect(
      process.terminationReason == .exit && result.status < 128,
      "x3d-cost \(arguments.joined(separator: " ")) died (status \(result.status)) under Westmere: \(result.standardError)"
    )
    return result
  }

  @Test(
    "cost, sweep, query, export, pareto, plot, run, verify, expand and an error, without AVX",
    .enabled(
      if: qemu != nil,
      "skipped: qemu-x86_64 not found (x86-64 Linux only; install Debian's qemu-user, as .ci/run does)"))
  func everyCommand() throws {
    let here = FileManager.default.temporaryDirectory.appendingPathComponent("x3d-westmere-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: here, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: here) }
    func ok(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
      let result = try run(arguments, in: here, environment: environment)
      #expect(result.status == 0, "x3d-cost \(arguments.joined(separator: " ")): \(result.standardError)")
      return result
    }

    let cost = try ok(["cost", "--preset", "xs"])
    #expect(cost.standardOutput.contains("605,256,512"), "\(cost.standardOutput)")

    _ = try ok(["sweep", "--name", "grid", "--preset", "xs,s,m", "--db", "w.db"])
    let query = try ok(["query", "SELECT preset, macs FROM results WHERE sweep = 'grid' ORDER BY macs", "--db", "w.db"])
    #expect(query.standardOutput.contains("605256512") || query.standardOutput.contains("605,256,512"))
    let export = try ok(["export", "--sweep", "grid", "--format", "csv", "--db", "w.db"])
    #expect(export.standardOutput.split(whereSeparator: \.isNewline).count >= 4, "\(export.standardOutput)")
    let pareto = try ok(["pareto", "--sweep", "grid", "--x", "macs", "--y", "params", "--minimize", "--db", "w.db"])
    #expect(!pareto.standardOutput.isEmpty)
    _ = try ok([
      "plot", "--sweep", "grid", "--x", "macs", "--y", "params", "--minimize", "--out", "c.svg", "--db", "w.db",
    ])
    #expect(FileManager.default.fileExists(atPath: here.appendingPathComponent("c.svg").path))

    let fast = try ok(["run"] + small + ["--backend", "fast", "--threads", "2", "--output", "out.npy"])
    #expect(fast.standardOutput.contains("backend: fast (2 threads, portable kernels)"), "\(fast.standardOutput)")
    #expect(fast.standardOutput.contains("sample 0 top-5"))
    let forced = try ok(["run"] + small + ["--threads", "1"], environment: ["X3D_KERNELS": "avx2"])
    #expect(forced.standardError.contains("X3D_KERNELS=avx2: this CPU or build has no avx2 kernels; using portable"))
    #expect(forced.standardOutput.contains("portable kernels"))
    let verify = try ok(["verify"] + small + ["--backend", "fast", "--quiet"])
    #expect(verify.standardOutput.contains("agree with the cost model"), "\(verify.standardOutput)")

    let expand = try ok([
      "expand", "--name", "w", "--target-gmacs", "0.2", "--criterion-cmd", "echo {gamma_d}", "--db", "w.db",
    ])
    #expect(!expand.standardOutput.isEmpty)

    let missing = try run(["run"] + small + ["--input", "absent.npy"], in: here)
    #expect(missing.status == 2 && missing.standardError.contains("absent.npy: no such input file"))
  }
}
