import Foundation
import TestSupport
import Testing

/// `kill -9` during a sweep: the database stays intact, holds exactly the committed batches, and the same command
/// resumes at the cursor and stores every configuration once (a sweep whose keys are distinct by plan, which keeps no
/// key index: the cursor alone says what is stored).
struct SweepKillTests {
  func csv(_ sql: String, in directory: URL) throws -> [String] {
    let result = try CommandRunner.run(["query", sql, "--format", "csv"], in: directory)
    return result.standardOutput.split(separator: "\r\n").dropFirst().map(String.init)
  }

  @Test func killNineLeavesTheCommittedBatchesAndTheSweepResumes() throws {
    let here = FileManager.default.temporaryDirectory.appendingPathComponent("x3d-kill-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: here, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: here) }
    let flags = ["sweep", "--name", "long", "--frames", "1:400", "--crop", "64:856:8", "--batch-size", "500"]
    let process = Process()
    process.executableURL = CommandRunner.executable
    process.arguments = flags
    process.currentDirectoryURL = here
    process.standardOutput = Pipe()
    try process.run()
    // Kill once a batch is committed: the next is then being written.
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
      if let index = try csv("SELECT next_index FROM sweeps", in: here).last.flatMap({ Int($0) }), index > 0 { break }
      Thread.sleep(forTimeInterval: 0.02)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)
    #expect(try csv("SELECT * FROM pragma_integrity_check", in: here) == ["ok"])
    let state =
      try csv(
        "SELECT next_index, (SELECT count(*) FROM configs), stored, planned FROM sweeps", in: here
      ).last?.split(separator: ",").compactMap { Int($0) } ?? []
    #expect(
      state.count == 4 && state[0] == state[1] && state[1] == state[2] && state[0] % 500 == 0 && state[0] < state[3],
      "\(state)")
    let resumed = try CommandRunner.run(flags, in: here)
    #expect(resumed.status == 0 && resumed.standardOutput.contains("resumed at"), "\(resumed.standardOutput)")
    #expect(
      try csv("SELECT count(*), count(DISTINCT key), (SELECT stored FROM sweeps) FROM configs", in: here)
        == ["40000,40000,40000"])
  }
}
