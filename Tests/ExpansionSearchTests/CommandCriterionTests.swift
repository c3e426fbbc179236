import ExpansionSearch
import Foundation
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
