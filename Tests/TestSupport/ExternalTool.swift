import Foundation

/// Programs outside the package that some tests use when they are installed (pdflatex, pdftotext), found on PATH.
public enum ExternalTool {
  /// The executable called `name` on PATH, or nil (the test that needs it then checks nothing more).
  public static func find(_ name: String) -> String? {
    let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
    return paths.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Runs `tool` with `arguments` in `directory`; its exit status and its standard output and error together.
  public static func run(_ tool: String, _ arguments: [String], in directory: URL? = nil) -> (
    status: Int32, output: String
  ) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    guard (try? process.run()) != nil else { return (-1, "cannot run \(tool)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
