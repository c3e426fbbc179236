import Foundation
import TestSupport
import Testing

/// `sweep`, `query`, `import`, `pareto`, `plot` and `export`, run as a user runs them, in a fresh directory whose
/// `results.db` is the default database.
struct StoreCommandTests {
  func directory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("x3d-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test(arguments: [
    (["--gamma-t", "1:0:0.1"], "the range is empty"), (["--crop", "160:224:0"], "the step is zero"),
    (["--crop", "a,b"], "'a' is not a number"), (["--frames", "1.5"], "not a whole number"),
    (["--preset", "m,q"], "'q' is not one of"), (["--gamma-s", "1,,2"], "empty item"),
    (["--frames", "1:1000", "--crop", "1:1000", "--classes", "1:100"], "100,000,000 configurations"),
  ])
  func badSweepFlagsExitTwoAndStoreNothing(_ flags: [String], _ message: String) throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let result = try CommandRunner.run(["sweep", "--name", "bad"] + flags, in: here)
    #expect(result.status == 2)
    #expect(result.standardError.contains(message), "\(result.standardError)")
    #expect(!FileManager.default.fileExists(atPath: here.appendingPathComponent("results.db").path))
  }

  @Test func rangesIncludeTheirStopWithoutBinaryNoise() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let sweep = try CommandRunner.run(
      ["sweep", "--name", "r", "--gamma-t", "0.1:0.3:0.1", "--gamma-s", "1:2:0.25"], in: here)
    #expect(sweep.standardOutput.contains("15 configurations planned"), "\(sweep.standardOutput)")
    #expect(sweep.standardOutput.contains("5 stored, 10 duplicates"), "\(sweep.standardOutput)")
    let values = try CommandRunner.run(
      ["query", "SELECT group_concat(gamma_s) FROM (SELECT gamma_s FROM configs ORDER BY gamma_s)", "--format", "csv"],
      in: here)
    #expect(values.standardOutput.hasSuffix("\r\n\"1.0,1.25,1.5,1.75,2.0\"\r\n"), "\(values.standardOutput)")
  }

  @Test func sweepResumesAndQueriesReadBack() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let flags = ["sweep", "--name", "grid", "--preset", "s,m", "--frames", "4:16:4", "--crop", "160,224"]
    let first = try CommandRunner.run(flags, in: here)
    #expect(first.status == 0, "\(first.standardError)")
    #expect(first.standardOutput.contains("16 configurations planned") && first.standardOutput.contains("16 stored"))
    #expect(first.standardError.isEmpty, "no progress bar when stderr is not a terminal")
    let again = try CommandRunner.run(flags, in: here)
    #expect(again.standardOutput.contains("already complete"))
    let query = try CommandRunner.run(
      ["query", "SELECT count(*) AS n, count(DISTINCT key) AS k FROM configs", "--format", "csv"], in: here)
    #expect(query.standardOutput == "n,k\r\n16,16\r\n")
    let refused = try CommandRunner.run(["query", "DELETE FROM configs"], in: here)
    #expect(refused.status == 2 && refused.standardError.contains("read-only"))
    let other = try CommandRunner.run(["sweep", "--name", "grid", "--preset", "m"], in: here)
    #expect(other.status == 2 && other.standardError.contains("another definition"))
  }

  @Test func ctrlCCommitsTheCurrentBatchAndTheSweepResumes() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let flags = ["sweep", "--name", "long", "--frames", "1:400", "--crop", "64:856:8", "--batch-size", "500"]
    let process = Process()
    process.executableURL = CommandRunner.executable
    process.arguments = flags
    process.currentDirectoryURL = here
    process.standardOutput = Pipe()
    try process.run()
    // Interrupt once the first batch is committed, not after a fixed delay: by then the handler is installed
    // (a loaded machine can start the process late), and the sweep is far from done (a fast one can finish early).
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
      let progress = try CommandRunner.run(["query", "SELECT next_index FROM sweeps", "--format", "csv"], in: here)
      if let last = progress.standardOutput.split(separator: "\r\n").last, let index = Int(last), index > 0 { break }
      Thread.sleep(forTimeInterval: 0.05)
    }
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    let output = String(
      decoding: (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(output.contains("interrupted: everything evaluated so far is committed"), "\(output)")
    let state = try CommandRunner.run(
      ["query", "SELECT next_index, (SELECT count(*) FROM configs), planned FROM sweeps", "--format", "csv"], in: here)
    let values = state.standardOutput.split(separator: "\r\n").last?.split(separator: ",").compactMap { Int($0) } ?? []
    #expect(values.count == 3 && values[0] == values[1] && values[0] < values[2] && values[0] % 500 == 0, "\(values)")
    let resumed = try CommandRunner.run(flags, in: here)
    #expect(resumed.status == 0 && resumed.standardOutput.contains("resumed at"), "\(resumed.standardOutput)")
    let total = try CommandRunner.run(
      ["query", "SELECT count(DISTINCT key) FROM configs", "--format", "csv"], in: here)
    #expect(total.standardOutput.hasSuffix("\r\n40000\r\n"), "\(total.standardOutput)")
  }

  @Test func importParetoPlotAndExport() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    _ = try CommandRunner.run(["sweep", "--name", "grid", "--preset", "xs,s,m"], in: here)
    let csv = "preset,top1,latency_ms\nxs,69.5,3\ns,73.5,8\nm,76.2,\nl,77.5,30\n"
    try csv.write(to: here.appendingPathComponent("lab.csv"), atomically: true, encoding: .utf8)
    let imported = try CommandRunner.run(["import", "--sweep", "grid", "lab.csv"], in: here)
    #expect(imported.status == 0, "\(imported.standardError)")
    #expect(imported.standardOutput.contains("4 rows, 3 matched, 5 values stored, 1 unmatched"))
    #expect(imported.standardOutput.contains("line 5: no configuration of sweep 'grid'"))

    try "preset,top1,gpu\nm,1,2\n".write(to: here.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
    let bad = try CommandRunner.run(["import", "--sweep", "grid", "bad.csv"], in: here)
    #expect(bad.status == 2 && bad.standardError.contains("unknown CSV column gpu"))

    let pareto = try CommandRunner.run(["pareto", "--sweep", "grid", "--y", "top1", "--format", "csv"], in: here)
    #expect(pareto.standardOutput.split(separator: "\r\n").count == 4, "\(pareto.standardOutput)")
    #expect(pareto.standardOutput.contains("X3D-M,16×224² w2.0 d2.2 b2.25,lab,,4732468736,76.2"))

    let plot = try CommandRunner.run(["plot", "--sweep", "grid", "--y", "top1", "--out", "curve.svg"], in: here)
    #expect(plot.status == 0, "\(plot.standardError)")
    let svg = try String(contentsOf: here.appendingPathComponent("curve.svg"), encoding: .utf8)
    #expect(svg.contains("<polyline") && svg.contains(">X3D-M<"))

    let latex = try CommandRunner.run(
      ["export", "--sweep", "grid", "--format", "latex", "--columns", "preset,macs,params_no_bn,top1"], in: here)
    #expect(latex.standardOutput.contains("X3D-M & 4.73 & 3.76 & 76.2 \\\\"), "\(latex.standardOutput)")
  }

  @Test func twoProcessesSweepingOneDatabaseLoseNothing() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let missing = try CommandRunner.run(["query", "SELECT 1"], in: here)
    #expect(missing.status == 2 && missing.standardError.contains("no database at results.db"))
    #expect(!FileManager.default.fileExists(atPath: here.appendingPathComponent("results.db").path))
    let processes = try ["a", "b", "a"].map { name in
      let process = Process()
      process.executableURL = CommandRunner.executable
      process.arguments = ["sweep", "--name", name, "--frames", "1:40", "--crop", "64:256:8", "--batch-size", "100"]
      process.currentDirectoryURL = here
      process.standardOutput = Pipe()
      try process.run()
      return process
    }
    for process in processes { process.waitUntilExit() }
    #expect(processes.allSatisfy { $0.terminationStatus == 0 })
    let counts = try CommandRunner.run(
      [
        "query",
        "SELECT s.name, count(c.id), count(DISTINCT c.key), s.next_index FROM sweeps s "
          + "JOIN configs c ON c.sweep_id = s.id GROUP BY s.id ORDER BY s.name", "--format", "csv",
      ], in: here)
    #expect(
      counts.standardOutput
        == "name,count(c.id),count(DISTINCT c.key),next_index\r\na,1000,1000,1000\r\nb,1000,1000,1000\r\n")
  }

  @Test func aFileThatIsNotADatabaseIsRefusedUntouched() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let path = here.appendingPathComponent("notes.txt")
    try "hello".write(to: path, atomically: true, encoding: .utf8)
    let result = try CommandRunner.run(["sweep", "--name", "x", "--preset", "m", "--db", "notes.txt"], in: here)
    #expect(result.status == 2 && result.standardError.contains("not an SQLite database"))
    #expect(try String(contentsOf: path, encoding: .utf8) == "hello")
  }
}
