import ArgumentParser
import Foundation
import X3DModel

/// `x3d-cost`: exact cost analytics for X3D networks. Without a subcommand it runs `cost`.
@main
struct X3DCost: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "x3d-cost",
    abstract: "Exact multiply-adds, parameters and memory of X3D video networks, for any expansion vector.",
    version: ToolVersion.current,
    subcommands: [
      Cost.self, Run.self, Verify.self, Sweep.self, Query.self, Import.self, Pareto.self, Plot.self, Export.self,
      Expand.self, Fit.self, Measure.self, Calibrate.self,
    ],
    defaultSubcommand: Cost.self
  )

  /// Runs the command; every user error exits with status 2 and a one-line message naming the bad value. A command
  /// may end with its own status by throwing `ExitCode` (documented per command).
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      // A command that ends with a status of its own throws ExitCode (expand: 3 while it waits for measurements);
      // it has printed its message. Every other error is bad input: status 2.
      if let exit = error as? ExitCode {
        Foundation.exit(exit.rawValue)
      }
      FileHandle.standardError.write(Data((message(for: error) + "\n").utf8))
      Foundation.exit(2)
    }
  }

  /// One line: a library error's description, or the argument parser's message without its help and usage lines
  /// (`x3d-cost CMD --help` has those).
  private static func message(for error: Error) -> String {
    if let error = error as? any ReportableError { return "Error: " + error.description }
    let text = fullMessage(for: error)
    let first = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? text
    return first.hasPrefix("Error: ") ? first : "Error: " + first
  }
}

/// A library error whose description is a complete message for the user.
protocol ReportableError: Error, CustomStringConvertible {}
extension ConfigurationError: ReportableError {}

/// A command-line error with its message.
struct UsageError: ReportableError {
  var description: String
  init(_ description: String) { self.description = description }
}

enum ToolVersion {
  static let current = "0.1.0"
}
