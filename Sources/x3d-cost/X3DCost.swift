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
      Expand.self, Measure.self, Calibrate.self,
    ],
    defaultSubcommand: Cost.self
  )

  /// Runs the command; every user error exits with status 2 and a one-line message naming the bad value.
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
      FileHandle.standardError.write(Data((message(for: error) + "\n").utf8))
      Foundation.exit(2)
    }
  }

  private static func message(for error: Error) -> String {
    if let error = error as? any ReportableError { return "Error: " + error.description }
    return fullMessage(for: error)
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
