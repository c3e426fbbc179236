import Foundation
import LatencyModel
import TestSupport
import Testing
import X3DModel

/// `x3d-cost expand` end to end: a command criterion, resume from the database, ask/tell, bad input.
struct ExpandCommandTests {
  func directory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("x3d-expand-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func commandCriterionRunsOnceAndResumes() throws {
    let dir = try directory()
    let log = dir.appendingPathComponent("calls.log").path
    let arguments = [
      "expand", "--name", "depth", "--target-gmacs", "0.2", "--criterion-cmd", "echo {key} >> \(log); echo {gamma_d}",
      "--jobs", "3", "--format", "json",
    ]
    let first = try CommandRunner.run(arguments, in: dir)
    #expect(first.status == 0, "\(first.standardError)")
    let object = try #require(JSONSerialization.jsonObject(with: Data(first.standardOutput.utf8)) as? [String: Any])
    #expect(object["status"] as? String == "finished")
    let final = try #require(object["final"] as? [String: Any])
    #expect(final["within_tolerance"] as? Bool == true)
    #expect((final["slowfast_yaml"] as? String)?.contains("DEPTH_FACTOR: 15.0") == true)
    #expect(
      final["pytorchvideo"] as? String
        == "create_x3d(input_clip_length=1, input_crop_size=112, model_num_class=400, width_factor=2.0, depth_factor=15.0, bottleneck_factor=1.0)"
    )
    let calls = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count
    #expect(calls == object["evaluations"] as? Int)
    let second = try CommandRunner.run(arguments, in: dir)
    #expect(second.status == 0)
    #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == calls)
    let path = try CommandRunner.run(
      [
        "query", "SELECT axis, depth_factor FROM search_path WHERE search = 'depth' AND phase = 'forward'", "--format",
        "csv",
      ],
      in: dir)
    #expect(path.status == 0, "\(path.standardError)")
    #expect(path.standardOutput.hasPrefix("axis,depth_factor\r\nd,2.5\r\nd,5.8\r\n"), "\(path.standardOutput)")
  }

  @Test func askAndTell() throws {
    let dir = try directory()
    let ask = ["expand", "ask", "--name", "job", "--target-gmacs", "0.05", "--format", "csv"]
    var result = try CommandRunner.run(ask, in: dir)
    #expect(result.status == 0, "\(result.standardError)")
    var rounds = 0
    while result.standardOutput.hasPrefix("key,") {
      let lines = result.standardOutput.split(separator: "\r\n").dropFirst()
      #expect(lines.count >= 1)
      let scores = lines.map { line -> String in
        let fields = line.split(separator: ",")
        return "\(fields[0]),\(fields[7])"  // score = depth factor
      }
      let file = dir.appendingPathComponent("scores.csv")
      try ("key,score\n" + scores.joined(separator: "\n")).write(to: file, atomically: true, encoding: .utf8)
      let tell = try CommandRunner.run(["expand", "tell", "--name", "job", "--scores", file.path], in: dir)
      #expect(tell.status == 0, "\(tell.standardError)")
      result = try CommandRunner.run(ask, in: dir)
      rounds += 1
      if rounds > 10 { break }
    }
    #expect(rounds >= 2)
    #expect(result.standardOutput.contains("final:"))
    #expect(result.standardOutput.contains("--gamma-d"))
  }

  @Test(arguments: [
    (["expand", "--name", "x", "--target-gmacs", "0.001", "--criterion-cmd", "echo 1"], "not above the start"),
    (
      ["expand", "--name", "x", "--target-gmacs", "1", "--axes", "t,q", "--criterion-cmd", "echo 1"], "unknown axis 'q'"
    ),
    (["expand", "--name", "x", "--target-gmacs", "1"], "exactly one criterion"),
    (["expand", "--name", "x", "--criterion-cmd", "echo 1"], "--target-gmacs"),
    (["expand", "--name", "x", "--target-gmacs", "1", "--criterion-cmd", "echo {lr}"], "{lr}"),
    (
      ["expand", "--name", "x", "--target-gmacs", "1", "--criterion-cmd", "exit 1", "--on-failure", "stop"],
      "exit status 1"
    ),
    (["expand", "--name", "x", "--target-gmacs", "1", "--criterion-cmd", "echo no"], "every candidate failed"),
    (["expand", "tell", "--name", "missing", "--key", "k", "--score", "1"], "no search named missing"),
    (["expand", "--name", "x", "--target-ms", "1", "--criterion-cmd", "echo 1"], "needs --hardware"),
    (
      ["expand", "--name", "x", "--measure", "predicted_ms", "--target", "9", "--criterion-cmd", "echo 1"],
      "needs --hardware"
    ),
    (["expand", "--name", "x", "--target-ms=0", "--hardware", "h200", "--criterion-cmd", "echo 1"], "--target-ms: 0"),
    (
      ["expand", "--name", "x", "--target-ms", "-1", "--hardware", "h200", "--criterion-cmd", "echo 1"],
      "--target-ms: -1"
    ),
    (["expand", "--name", "x", "--target-ms", "1", "--hardware", "nope", "--criterion-cmd", "echo 1"], "'nope'"),
    (
      ["expand", "--name", "x", "--target-gmacs", "1", "--hardware", "h200", "--criterion-cmd", "echo 1"],
      "--hardware goes with"
    ),
    (
      [
        "expand", "--name", "x", "--target-ms", "1", "--measure", "params", "--hardware", "h200", "--criterion-cmd",
        "echo 1",
      ],
      "--target-ms goes with"
    ),
    (["expand", "--name", "x", "--measure", "bogus", "--target", "9", "--criterion-cmd", "echo 1"], "bogus"),
  ])
  func badInputExitsTwo(_ arguments: [String], _ message: String) throws {
    let result = try CommandRunner.run(arguments, in: try directory())
    #expect(result.status == 2, "\(result.standardError)")
    #expect(result.standardError.contains(message), "\(result.standardError)")
  }

  /// `--measure predicted_ms --hardware h200 --target-ms X`: the final model's latency, recomputed with
  /// `cost --hardware`, is within the tolerance of the target; the run resumes under the same definition.
  @Test func latencyBudgetSearchEndsWithinTolerance() throws {
    let dir = try directory()
    let arguments = [
      "expand", "--name", "lat", "--measure", "predicted_ms", "--hardware", "h200", "--target-ms", "0.02",
      "--criterion-cmd", "echo {gamma_d}", "--format", "json",
    ]
    let result = try CommandRunner.run(arguments, in: dir)
    #expect(result.status == 0, "\(result.standardError)")
    let object = try json(result.standardOutput)
    #expect(object["measure"] as? String == "predicted_ns@h200")
    #expect(object["target"] as? Int == 20_000)
    let final = try #require(object["final"] as? [String: Any])
    #expect(final["within_tolerance"] as? Bool == true)
    let nanoseconds = try #require(final["complexity"] as? Int)
    #expect(abs(nanoseconds - 20_000) <= 400)
    // The final model's latency recomputed through LatencyModel from its printed γ factors.
    var request = ModelRequest()
    request.gammaTau = try #require(final["gamma_tau"] as? Double)
    request.gammaT = try #require(final["gamma_t"] as? Double)
    request.gammaS = try #require(final["gamma_s"] as? Double)
    request.gammaW = try #require(final["gamma_w"] as? Double)
    request.gammaB = try #require(final["gamma_b"] as? Double)
    request.gammaD = try #require(final["gamma_d"] as? Double)
    let roofline = try Roofline(try HardwareProfile.load("h200"), elementType: .f32)
    let seconds = try NetworkWork(try request.resolve(), elementType: .f32).seconds(on: roofline)
    #expect(abs(seconds * 1e9 - Double(nanoseconds)) <= 0.5)
    #expect(abs(seconds * 1e9 - 20_000) <= 0.02 * 20_000, "\(seconds)")
    let again = try CommandRunner.run(arguments, in: dir)
    #expect(again.status == 0, "\(again.standardError)")
    #expect(try json(again.standardOutput)["evaluations"] as? Int == 0)
  }

  func lines(_ path: String) -> [String] {
    ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
  }

  func json(_ text: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  /// The final model's printed γ flags, given back to `x3d-cost`, cost what the search found.
  @Test func printedFlagsRebuildTheFinalModel() throws {
    let dir = try directory()
    let result = try CommandRunner.run(
      [
        "expand", "--name", "f", "--target-gmacs", "0.3", "--axes", "tau,s,d", "--criterion-cmd",
        "echo {gamma_tau} {gamma_s} | awk '{{print $1 + 2 * $2}}'", "--format", "json",
      ], in: dir)
    #expect(result.status == 0, "\(result.standardError)")
    let object = try json(result.standardOutput)
    let final = try #require(object["final"] as? [String: Any])
    let steps = try #require(object["steps"] as? [[String: Any]])
    let candidates = steps.flatMap { ($0["candidates"] as? [[String: Any]]) ?? [] }
    #expect(candidates.count > 6)
    for candidate in [final] + candidates.prefix(12) {
      let flags = try #require(candidate["gamma_flags"] as? String)
      let cost = try CommandRunner.run(flags.split(separator: " ").map(String.init) + ["--format", "json"], in: dir)
      #expect(cost.status == 0, "\(cost.standardError)")
      let totals = try #require(try json(cost.standardOutput)["totals"] as? [String: Any])
      #expect(totals["macs"] as? Int == candidate["macs"] as? Int, "\(flags)")
      #expect(totals["params"] as? Int == candidate["params"] as? Int, "\(flags)")
      #expect(candidate["macs"] as? Int == candidate["complexity"] as? Int)
    }
    for noise in ["00000000001", "99999999"] {
      #expect(!result.standardOutput.contains(noise), "binary noise in the output")
    }
  }

  /// Exit status 3 while measurements are missing; importing them with the values the search prints (`--search`)
  /// lets the search go on.
  @Test func measurementCriterionWaitsThenFindsImportedValues() throws {
    let dir = try directory()
    let expand = [
      "expand", "--name", "m", "--target-gmacs", "0.1", "--criterion-metric", "top1", "--axes", "tau,d", "--format",
      "csv",
    ]
    let first = try CommandRunner.run(expand, in: dir)
    #expect(first.status == 3, "\(first.standardError)")
    #expect(first.standardError.contains("no score yet"))
    // The table as printed: T, S, τ, w, b, d columns; the import names them like the flags.
    let rows = first.standardOutput.split(whereSeparator: \.isNewline).filter { $0.hasSuffix(",pending,") }
    #expect(rows.count == 2)
    var csv = "frames,crop,sampling_rate,width_factor,bottleneck_factor,depth_factor,top1\n"
    for (index, row) in rows.enumerated() {
      let fields = row.split(separator: ",", omittingEmptySubsequences: false)
      csv += "\(fields[4]),\(fields[5]),\(fields[6]),\(fields[7]),\(fields[8]),\(fields[9]),\(60 + index)\n"
    }
    #expect(csv.contains(",0.5,") && csv.contains(",2.5,"), "\(csv)")
    try csv.write(to: dir.appendingPathComponent("top1.csv"), atomically: true, encoding: .utf8)
    let imported = try CommandRunner.run(["import", "--search", "m", "top1.csv"], in: dir)
    #expect(imported.status == 0, "\(imported.standardError)")
    #expect(imported.standardOutput.contains("2 matched, 2 values stored, 0 unmatched"), "\(imported.standardOutput)")
    let second = try CommandRunner.run(expand, in: dir)
    #expect(second.status == 3)
    #expect(second.standardOutput.contains("2 criterion evaluation(s) this run"), "\(second.standardOutput)")
    #expect(try CommandRunner.run(["import", "--search", "nope", "top1.csv"], in: dir).status == 2)
  }

  @Test func anotherDefinitionUnderAnExistingNameIsRefused() throws {
    let dir = try directory()
    let base = ["expand", "--name", "d", "--criterion-cmd", "echo {gamma_d}"]
    #expect(try CommandRunner.run(base + ["--target-gmacs", "0.05"], in: dir).status == 0)
    for change in [["--target-gmacs", "0.06"], ["--target-gmacs", "0.05", "--axes", "d,w"]] {
      let refused = try CommandRunner.run(base + change, in: dir)
      #expect(refused.status == 2)
      #expect(refused.standardError.contains("stored:") && refused.standardError.contains("requested:"))
      #expect(refused.standardError.contains("target=50000000"), "\(refused.standardError)")
    }
    let otherCriterion = try CommandRunner.run(
      ["expand", "--name", "d", "--criterion-cmd", "echo {gamma_w}", "--target-gmacs", "0.05"], in: dir)
    #expect(otherCriterion.status == 2)
    #expect(otherCriterion.standardError.contains("criterion=cmd:echo {gamma_d}"))
  }

  @Test func tellRefusesDuplicateKeysUnlessAskedToReplace() throws {
    let dir = try directory()
    let ask = try CommandRunner.run(
      ["expand", "ask", "--name", "j", "--target-gmacs", "0.05", "--format", "csv"], in: dir)
    let key = try #require(ask.standardOutput.split(separator: "\r\n").dropFirst().first?.split(separator: ",").first)
    let file = dir.appendingPathComponent("scores.csv")
    try "key,score\n\(key),1\n\n\(key),2\n".write(to: file, atomically: true, encoding: .utf8)
    let refused = try CommandRunner.run(["expand", "tell", "--name", "j", "--scores", file.path], in: dir)
    #expect(refused.status == 2)
    #expect(refused.standardError.contains("line 2 and line 4"), "\(refused.standardError)")
    let scores = try CommandRunner.run(["query", "SELECT count(*) FROM search_scores", "--format", "csv"], in: dir)
    #expect(scores.standardOutput.hasSuffix("0\r\n"), "\(scores.standardOutput)")
    let replaced = try CommandRunner.run(
      ["expand", "tell", "--name", "j", "--scores", file.path, "--replace-duplicates"], in: dir)
    #expect(replaced.status == 0, "\(replaced.standardError)")
    #expect(replaced.standardOutput.contains("recorded 1 score(s)") && replaced.standardOutput.contains("1 earlier"))
    let stored = try CommandRunner.run(["query", "SELECT score FROM search_scores", "--format", "csv"], in: dir)
    #expect(stored.standardOutput.contains("2"), "\(stored.standardOutput)")
  }

  @Test func importRefusesDuplicateRowsUnlessAskedToReplace() throws {
    let dir = try directory()
    #expect(try CommandRunner.run(["sweep", "--name", "g", "--preset", "m,l"], in: dir).status == 0)
    let file = dir.appendingPathComponent("lab.csv")
    try "preset,top1,top5\nm,76,92\nl,77,\nm,76.5,\n".write(to: file, atomically: true, encoding: .utf8)
    let refused = try CommandRunner.run(["import", "--sweep", "g", file.path], in: dir)
    #expect(refused.status == 2)
    #expect(refused.standardError.contains("lines 2 and 4 both give top1"), "\(refused.standardError)")
    let none = try CommandRunner.run(["query", "SELECT count(*) FROM measurements", "--format", "csv"], in: dir)
    #expect(none.standardOutput.hasSuffix("0\r\n"))
    let replaced = try CommandRunner.run(["import", "--sweep", "g", file.path, "--replace-duplicates"], in: dir)
    #expect(replaced.status == 0, "\(replaced.standardError)")
    #expect(
      replaced.standardOutput.contains("3 values stored (1 replaced by a later row)"), "\(replaced.standardOutput)")
    let top1 = try CommandRunner.run(
      ["query", "SELECT value FROM measured WHERE metric = 'top1' AND preset = 'm'", "--format", "csv"], in: dir)
    #expect(top1.standardOutput.contains("76.5"))
  }

  /// Ctrl-C or SIGTERM while a criterion command runs: the finished score is stored, the running command's whole
  /// process group ends, and the resumed search runs no finished command again.
  @Test(arguments: [(SIGINT, nil), (SIGTERM, nil), (SIGINT, "60")] as [(Int32, String?)])
  func interruptionStoresFinishedScoresAndEndsRunningCommands(_ signal: Int32, _ timeout: String?) throws {
    let dir = try directory()
    let path = dir.path
    FileManager.default.createFile(atPath: path + "/slow", contents: nil)
    let template =
      "echo {key} >> \(path)/started; if [ -e \(path)/slow ] && [ {frames} -gt 1 ]; then sleep 60 & "
      + "echo $! >> \(path)/pids; wait; fi; echo {key} >> \(path)/done; echo {gamma_t}"
    let arguments =
      ["expand", "--name", "i", "--target-gmacs", "0.05", "--axes", "t,d", "--jobs", "2", "--criterion-cmd", template]
      + (timeout.map { ["--timeout", $0] } ?? [])
    let process = Process()
    process.executableURL = CommandRunner.executable
    process.arguments = arguments
    process.currentDirectoryURL = dir
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    // Signal once the fast candidate's score is in the database and the slow one's child runs.
    let deadline = Date().addingTimeInterval(60)
    func storedScores() throws -> String {
      try CommandRunner.run(["query", "SELECT count(*) FROM search_scores", "--format", "csv"], in: dir).standardOutput
    }
    while try lines(path + "/pids").isEmpty || !storedScores().hasSuffix("1\r\n") {
      #expect(Date() < deadline, "the commands did not start")
      if Date() > deadline { break }
      usleep(50_000)
    }
    let signalled = Date()
    kill(process.processIdentifier, signal)
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(Date().timeIntervalSince(signalled) < 10)
    #expect(process.terminationStatus == 130, "\(message)")
    #expect(message.contains("interrupted after 1 criterion evaluation(s)"), "\(message)")
    for pid in lines(path + "/pids").compactMap({ Int32($0) }) {
      #expect(!isRunning(pid), "the running command's child \(pid) survived")
    }
    let stored = try CommandRunner.run(["query", "SELECT count(*) FROM search_scores", "--format", "csv"], in: dir)
    #expect(stored.standardOutput.hasSuffix("1\r\n"), "\(stored.standardOutput)")

    try FileManager.default.removeItem(atPath: path + "/slow")
    let resumed = try CommandRunner.run(arguments, in: dir)
    #expect(resumed.status == 0, "\(resumed.standardError)")
    let done = lines(path + "/done")
    #expect(done.count == Set(done).count, "a finished command ran twice: \(done)")
  }

  /// Whether a process is alive, waiting up to three seconds (a zombie counts as ended).
  func isRunning(_ pid: Int32) -> Bool {
    let deadline = Date().addingTimeInterval(3)
    while true {
      guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { return false }
      let state = stat[stat.index(close, offsetBy: 2)]
      if state == "Z" || state == "X" { return false }
      if Date() > deadline { return true }
      usleep(20_000)
    }
  }
}
