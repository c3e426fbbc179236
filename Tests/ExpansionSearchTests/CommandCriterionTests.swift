import CostModel
import ExpansionSearch
import Foundation
import SweepStore
import Testing
import X3DModel

/// The external-command criterion, with real shell commands.
struct CommandCriterionTests {
  func candidate(depth: Double = 2.2) throws -> Candidate {
    try CandidatePricer().candidate(ExpansionVector(gammaT: 4, gammaD: depth), axis: .depth, factor: depth)
  }

  func temporaryFile() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("x3d-\(UUID().uuidString)").path
  }

  @Test func substitutesPlaceholdersAndReadsTheLastLine() throws {
    let criterion = try CommandCriterion(template: "echo training {frames} {crop} {depth_factor}; echo {gamma_d}")
    #expect(criterion.command(for: try candidate()) == "echo training 4 112 2.2; echo 2.2")
    #expect(criterion.score([try candidate()]) == [.scored(2.2)])
  }

  @Test func failuresKeepStandardError() throws {
    let failing = try CommandCriterion(template: "echo oops >&2; exit 3")
    #expect(failing.score([try candidate()]) == [.failed(reason: "exit status 3", detail: "oops\n")])
    let silent = try CommandCriterion(template: "echo warming up; echo done")
    guard case .failed(let reason, _) = silent.score([try candidate()])[0] else {
      Issue.record("expected a failure")
      return
    }
    #expect(reason.contains("'done'"))
    let slow = try CommandCriterion(template: "sleep 5; echo 1", timeout: 0.3)
    guard case .failed(let timeout, _) = slow.score([try candidate()])[0] else {
      Issue.record("expected a time-out")
      return
    }
    #expect(timeout.contains("timed out"))
  }

  /// Four jobs wait at a barrier until all four have started: that only succeeds if they run at once.
  @Test func runsJobsInParallel() throws {
    let barrier = temporaryFile()
    try FileManager.default.createDirectory(atPath: barrier, withIntermediateDirectories: true)
    let criterion = try CommandCriterion(
      template: "touch \(barrier)/{depth_factor}; while [ $(ls \(barrier) | wc -l) -lt 4 ]; do sleep 0.05; done; "
        + "echo {depth_factor}", jobs: 4, timeout: 60)
    let candidates = try [1.0, 2.0, 3.0, 4.0].map { try candidate(depth: $0) }
    #expect(criterion.score(candidates) == [.scored(1), .scored(2), .scored(3), .scored(4)])
  }

  @Test func rejectsUnknownPlaceholdersAndBadJobs() {
    #expect(throws: SearchError.self) { try CommandCriterion(template: "train --lr {lr}") }
    #expect(throws: SearchError.self) { try CommandCriterion(template: "echo 1", jobs: 0) }
    for template in ["awk '{print $2}'", "echo ${HOME}", "echo }", "echo {", "echo {frames"] {
      #expect(throws: SearchError.self, "\(template)") { try CommandCriterion(template: template) }
    }
  }

  /// Every field against an independent resolution of the candidate's γ and the cost model.
  @Test(arguments: [ImplementationVariant.paper, .pytorchvideo])
  func everyFieldAgreesWithTheCostModel(_ implementation: ImplementationVariant) throws {
    let pricer = CandidatePricer(implementation: implementation, classes: 174)
    let vector = ExpansionVector(
      gammaTau: 1 / 2.4, gammaT: 2.4000000000000004, gammaS: 1.7, gammaW: 1.45, gammaB: 2.25, gammaD: 2.2)
    let candidate = try pricer.candidate(vector, axis: .frameRate, factor: 2.4000000000000004)
    var request = ModelRequest(implementation: implementation)
    (request.gammaTau, request.gammaT, request.gammaS) = (0.416667, 2.4, 1.7)
    (request.gammaW, request.gammaB, request.gammaD, request.classes) = (1.45, 2.25, 2.2, 174)
    let configuration = try request.resolve()
    let totals = try CostReport.totals(configuration)
    #expect(totals[.params] != totals[.macs])
    var expected: [String: String] = [
      "frames": "2", "crop": "192", "sampling_rate": "0.416667", "width_factor": "2.9", "depth_factor": "2.2",
      "bottleneck_factor": "2.25", "classes": "174", "gamma_tau": "0.416667", "gamma_t": "2.4", "gamma_s": "1.7",
      "gamma_w": "1.45", "gamma_b": "2.25", "gamma_d": "2.2", "macs": "\(totals[.macs])", "params": "\(totals[.params])",
      "key": ConfigurationKey.make(configuration), "impl": implementation.rawValue,
    ]
    // Every whole-network cost field, each from the independent resolution.
    for field in CostField.networkTotals { expected[field.name] = "\(totals[field])" }
    #expect(configuration.frames == 2 && configuration.crop == 192)
    #expect(Set(expected.keys) == CommandCriterion.fieldNames)
    #expect(CommandCriterion.fields(of: candidate) == expected)
    // Through a real shell, each field once.
    let names = CommandCriterion.fieldNames.sorted()
    let criterion = try CommandCriterion(
      template: "printf '%s\\n' " + names.map { "{\($0)}" }.joined(separator: " ") + " >&2; echo 1")
    let result = try #require(
      CommandCriterionProbe.run(criterion.command(for: candidate)))
    #expect(result == names.map { expected[$0]! })
  }

  /// A field is one shell word in every quoting context the user may have written around it.
  @Test func fieldsAreSafeInsideQuotes() throws {
    let candidate = try candidate()
    let key = candidate.key
    #expect(key.contains("|"))
    let criterion = try CommandCriterion(
      template: #"printf '%s\n' {key} '{key}' "{key}" "$(echo {key})" `echo {key}` >&2; echo 1"#)
    #expect(
      try #require(CommandCriterionProbe.run(criterion.command(for: candidate))) == Array(repeating: key, count: 5))
    // Hostile text in each context reads back exactly.
    let hostile = #"a'b"c$d`e\f g|h;i*j"#
    let template = try CommandTemplate(#"printf '%s\n' {x} '{x}' "{x}" "$(printf '%s' {x})""#, known: ["x"])
    let line = template.render(["x": hostile])
    #expect(CommandCriterionProbe.shell(line) == Array(repeating: hostile, count: 4).joined(separator: "\n") + "\n")
  }

  /// `{{` and `}}` are literal braces, for awk programs and `${VAR}`.
  @Test func doubledBracesAreLiteral() throws {
    let awk = try CommandCriterion(template: "echo 7 {frames} | awk '{{print $2 * 10}}'")
    #expect(awk.command(for: try candidate()) == "echo 7 4 | awk '{print $2 * 10}'")
    #expect(awk.score([try candidate()]) == [.scored(40)])
    let variable = try CommandCriterion(template: "X={crop}; echo ${{X}}")
    #expect(variable.score([try candidate()]) == [.scored(112)])
  }

  /// `--timeout` ends the whole process group, even when the shell has exited and a background child still holds
  /// the output pipe.
  @Test func timeoutEndsABackgroundChildHoldingTheOutput() throws {
    let pids = temporaryFile()
    let criterion = try CommandCriterion(template: "sleep 30 & echo $! > \(pids); echo 1", timeout: 1)
    let started = Date()
    let outcome = criterion.score([try candidate()])[0]
    let elapsed = Date().timeIntervalSince(started)
    guard case .failed(let reason, _)? = outcome else {
      Issue.record("expected a time-out, got \(String(describing: outcome))")
      return
    }
    #expect(reason.contains("timed out"))
    #expect(elapsed < 10, "took \(elapsed) s")
    let pid = try #require(
      Int32(try String(contentsOfFile: pids, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(!ProcessProbe.isRunning(pid))
  }

  /// Once told to stop, the criterion ends the running commands and starts no more; finished ones were reported.
  @Test func stopEndsRunningCommandsAndReportsFinishedOnes() throws {
    let dir = temporaryFile()
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    // The slow command starts first and records its background child; the fast one waits for that, then scores.
    let criterion = try CommandCriterion(
      template: "echo {depth_factor} >> \(dir)/started; if [ {depth_factor} = 1 ]; then "
        + "while [ ! -s \(dir)/pids ]; do sleep 0.05; done; else sleep 30 & echo $! >> \(dir)/pids; wait; fi; "
        + "echo {depth_factor}",
      jobs: 2)
    let candidates = try [2.0, 1.0, 3.0].map { try candidate(depth: $0) }
    let reported = ReportLog()
    let started = Date()
    let outcomes = criterion.score(
      candidates, shouldStop: { reported.count >= 1 }, report: { index, outcome in reported.add(index, outcome) })
    #expect(Date().timeIntervalSince(started) < 15)
    #expect(outcomes == [nil, .scored(1), nil])
    #expect(reported.entries.map(\.0) == [1])
    let log = try String(contentsOfFile: dir + "/started", encoding: .utf8)
    #expect(log.split(separator: "\n").sorted() == ["1", "2"])
    let pids = try String(contentsOfFile: dir + "/pids", encoding: .utf8).split(separator: "\n").compactMap {
      Int32($0)
    }
    #expect(pids.count == 1)
    for pid in pids { #expect(!ProcessProbe.isRunning(pid)) }
  }

  /// A resumed search runs no command twice: every invocation appends to a log file.
  @Test func resumedSearchRunsNoCommandTwice() throws {
    let log = temporaryFile()
    let criterion = try CommandCriterion(
      template: "echo {key} >> \(log); echo {gamma_b}", jobs: 2)
    let ledger = MemoryLedger()
    let search = try ExpansionSearch(name: "cmd", settings: SearchSettings(target: 150_000_000))
    let first = try search.run(criterion: criterion, ledger: ledger)
    let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == first.evaluations)
    #expect(Set(lines).count == lines.count)
    _ = try search.run(criterion: criterion, ledger: ledger)
    #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == lines.count)
    #expect(first.steps.filter { $0.phase == .forward }.allSatisfy { $0.chosenCandidate?.axis == .bottleneck })
  }
}

/// Runs a rendered command line and returns what it printed on standard error, one entry per line.
enum CommandCriterionProbe {
  static func run(_ command: String) -> [String]? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let error = Pipe()
    process.standardError = error
    process.standardOutput = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let data = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
      .map(String.init)
  }

  /// Standard output of `/bin/sh -c command`.
  static func shell(_ command: String) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let output = Pipe()
    process.standardOutput = output
    try? process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}

/// Whether a process is alive (a zombie waiting for its parent counts as ended).
enum ProcessProbe {
  /// Whether `pid` still runs after up to `patience` seconds (a process closes its files a moment before it ends).
  static func isRunning(_ pid: Int32, patience: Double = 3) -> Bool {
    let deadline = Date().addingTimeInterval(patience)
    while alive(pid) {
      if Date() > deadline { return true }
      usleep(20_000)
    }
    return false
  }

  static func alive(_ pid: Int32) -> Bool {
    #if os(Linux)
      guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { return false }
      let state = stat[stat.index(close, offsetBy: 2)]
      return state != "Z" && state != "X"
    #else
      return kill(pid, 0) == 0
    #endif
  }
}

/// Outcomes reported from several threads.
final class ReportLog: @unchecked Sendable {
  private let lock = NSLock()
  private var list: [(Int, ScoreOutcome)] = []
  func add(_ index: Int, _ outcome: ScoreOutcome) { lock.withLock { list.append((index, outcome)) } }
  var count: Int { lock.withLock { list.count } }
  var entries: [(Int, ScoreOutcome)] { lock.withLock { list } }
}
