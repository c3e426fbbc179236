import Foundation

/// Runs the built `x3d-cost` executable, as a user would, and captures what it prints.
public struct CommandResult: Sendable {
  public var status: Int32
  public var standardOutput: String
  public var standardError: String
}

public enum CommandRunner {
  /// The `x3d-cost` binary next to the test bundle (SwiftPM builds it because the test target depends on it).
  public static var executable: URL {
    let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = here.deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent("x3d-cost")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      directory = directory.deletingLastPathComponent()
    }
    return Fixtures.repositoryRoot.appendingPathComponent(".build/debug/x3d-cost")
  }

  /// Runs `x3d-cost arguments…` in `directory` (default: a fresh temporary directory) and waits for it.
  public static func run(_ arguments: [String], in directory: URL? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let workingDirectory =
      directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("x3d-cost-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: workingDirectory, withIntermediateDirectories: true)
    process.currentDirectoryURL = workingDirectory
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(
      status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
      standardError: String(decoding: errData, as: UTF8.self))
  }
}
