import ArgumentParser
import Foundation
import SweepStore

/// `--db`, shared by the commands that use the results database.
struct StoreOptions: ParsableArguments {
  @Option(
    help:
      "The results database (default: results.db in the current directory, the repository root).")
  var db = "results.db"

  func open(_ access: ResultsStore.Access) throws -> ResultsStore {
    try ResultsStore(path: db, access: access)
  }

  /// Now, as stored timestamps are written: ISO 8601 in UTC.
  static func timestamp(_ date: Date = Date()) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: date)
  }

  /// The command line as typed, program name shortened to `x3d-cost`, arguments with spaces quoted.
  static var commandLine: String {
    (["x3d-cost"] + CommandLine.arguments.dropFirst().map { $0.contains(" ") ? "'\($0)'" : $0 })
      .joined(separator: " ")
  }
}
