import CostModel
import ExpansionSearch
import Testing
import X3DModel

/// Synthetic criteria whose right path is known by hand.
struct ForwardExpansionTests {
  static let x3dS = 1_962_892_112

  func search(target: Int = x3dS, _ adjust: (inout SearchSettings) -> Void = { _ in }) throws -> ExpansionSearch {
    var settings = SearchSettings(target: target)
    adjust(&settings)
    return try ExpansionSearch(name: "test", settings: settings)
  }

  @Test func depthOnlyRewardExpandsDepthEveryStep() throws {
    let criterion = FunctionCriterion(cacheKey: "depth") { .scored($0.vector.gammaD) }
    let run = try search().run(criterion: criterion, ledger: MemoryLedger())
    let forward = run.steps.filter { $0.phase == .forward }
    #expect(forward.count >= 5)
    #expect(forward.allSatisfy { $0.chosenCandidate?.axis == .depth })
    #expect(forward.allSatisfy { $0.candidates.count == 6 })
    guard case .finished(let final, _, let within) = run.status else { Issue.record("not finished"); return }
    #expect(within)
    #expect(abs(Double(final.complexity - Self.x3dS)) <= 0.02 * Double(Self.x3dS))
    #expect(final.vector.gammaT == 1 && final.vector.gammaS == 1 && final.vector.gammaW == 1)
  }

  @Test func eachCandidateAimsAtTwiceTheComplexity() throws {
    let criterion = FunctionCriterion(cacheKey: "bottleneck") { .scored($0.vector.gammaB) }
    let run = try search().run(criterion: criterion, ledger: MemoryLedger())
    var current = try CostReport.totals(ModelConfiguration(frames: 1, crop: 112, widthFactor: 2, depthFactor: 1, bottleneckFactor: 1))[.macs]
    for step in run.steps where step.phase == .forward {
      for candidate in step.candidates where candidate.axis != .depth {
        let ratio = Double(candidate.complexity) / Double(current)
        #expect(ratio > 1.5 && ratio < 2.7, "\(candidate.axis!) ratio \(ratio)")
      }
      current = step.chosenCandidate!.complexity
    }
  }

  @Test func contractionShrinksTheLastAxisToTheTarget() throws {
    // Rewarding clip duration (frames × stride) expands frames at a constant frame rate; the last step overshoots
    // and contraction must cut frames back.
    let criterion = FunctionCriterion(cacheKey: "duration") { .scored($0.vector.gammaT * $0.vector.gammaTau) }
    let target = 100_000_000
    let run = try search(target: target).run(criterion: criterion, ledger: MemoryLedger())
    let contraction = try #require(run.steps.last { $0.phase == .contraction })
    let lastForward = try #require(run.steps.last { $0.phase == .forward }?.chosenCandidate)
    let contracted = contraction.candidates[0]
    #expect(contracted.axis == .frames)
    #expect(contracted.complexity < lastForward.complexity)
    guard case .finished(let final, _, _) = run.status else { Issue.record("not finished"); return }
    #expect(final == contracted)
    // Frames are integers: the nearest reachable complexity is the best one can do.
    let perFrame = try CostReport.totals(pricerConfiguration(frames: 2))[.macs] - CostReport.totals(pricerConfiguration(frames: 1))[.macs]
    #expect(abs(contracted.complexity - target) <= perFrame / 2 + 1)
  }

  func pricerConfiguration(frames: Int) throws -> ModelConfiguration {
    try ModelConfiguration(frames: frames, crop: 112, widthFactor: 2, depthFactor: 1, bottleneckFactor: 1)
  }

  @Test func resumedSearchReusesCachedScores() throws {
    let counter = Counter()
    let criterion = FunctionCriterion(cacheKey: "counted") { candidate in
      counter.increment()
      return .scored(candidate.vector.gammaS + candidate.vector.gammaB / 10)
    }
    let ledger = MemoryLedger()
    let first = try search().run(criterion: criterion, ledger: ledger)
    let evaluated = counter.value
    #expect(first.evaluations == evaluated)
    #expect(evaluated > 6)
    let second = try search().run(criterion: criterion, ledger: ledger)
    #expect(counter.value == evaluated)
    #expect(second.evaluations == 0)
    #expect(second.steps == first.steps)
  }

  @Test func failedCandidatesAreSkippedOrStop() throws {
    let criterion = FunctionCriterion(cacheKey: "no-width") { candidate in
      candidate.axis == .width ? .failed(reason: "exit status 1", detail: "boom") : .scored(candidate.vector.gammaW)
    }
    let run = try search().run(criterion: criterion, ledger: MemoryLedger())
    #expect(run.steps.filter { $0.phase == .forward }.allSatisfy { $0.chosenCandidate?.axis != .width })
    #expect(throws: SearchError.self) {
      try self.search { $0.onFailure = .stop }.run(criterion: criterion, ledger: MemoryLedger())
    }
    let allFail = FunctionCriterion(cacheKey: "fail") { _ in .failed(reason: "no number", detail: "") }
    #expect {
      try self.search().run(criterion: allFail, ledger: MemoryLedger())
    } throws: { error in
      if case .allCandidatesFailed(let step, _) = error as? SearchError { return step == 1 }
      return false
    }
  }

  @Test func askTellPausesAndResumes() throws {
    let ledger = MemoryLedger()
    let ask = PendingCriterion(cacheKey: "manual")
    let s = try search(target: 80_000_000)
    var run = try s.run(criterion: ask, ledger: ledger)
    var rounds = 0
    while case .pending(let candidates) = run.status {
      #expect(!candidates.isEmpty)
      for candidate in candidates {
        ledger.record(criterion: "manual", configurationKey: candidate.key, outcome: .scored(candidate.vector.gammaD))
      }
      run = try s.run(criterion: ask, ledger: ledger)
      rounds += 1
      #expect(rounds < 20)
    }
    #expect(run.steps.filter { $0.phase == .forward }.allSatisfy { $0.chosenCandidate?.axis == .depth })
    #expect(run.evaluations == 0)
  }

  @Test func gainPerComplexityScoresTheStart() throws {
    let criterion = FunctionCriterion(cacheKey: "log") { .scored(log2(Double($0.complexity))) }
    let run = try search { $0.selection = .gainPerComplexity }.run(criterion: criterion, ledger: MemoryLedger())
    #expect(run.steps.first?.phase == .start)
    guard case .finished = run.status else { Issue.record("not finished"); return }
  }

  @Test func excludedAxesAreNotTried() throws {
    let criterion = FunctionCriterion(cacheKey: "any") { .scored(Double($0.complexity)) }
    let run = try search { $0.axes = [.spatial, .depth] }.run(criterion: criterion, ledger: MemoryLedger())
    #expect(run.steps.allSatisfy { $0.candidates.allSatisfy { [.spatial, .depth, nil].contains($0.axis) } })
  }

  @Test func badSettings() throws {
    #expect(throws: SearchError.unknownAxis("q")) { try ExpansionAxis(parsing: "q") }
    #expect(try ExpansionAxis(parsing: "gamma-tau") == .frameRate)
    #expect(try ExpansionAxis(parsing: "depth") == .depth)
    let criterion = FunctionCriterion(cacheKey: "x") { _ in .scored(1) }
    #expect {
      try self.search(target: 1000).run(criterion: criterion, ledger: MemoryLedger())
    } throws: { error in
      if case .targetNotAboveStart = error as? SearchError { return true }
      return false
    }
    #expect(throws: SearchError.noAxes) { try self.search { $0.axes = [] } }
    #expect(throws: SearchError.self) { try self.search { $0.stepRatio = 1 } }
  }
}

/// A thread-safe counter for criteria that count their calls.
final class Counter: @unchecked Sendable {
  private var count = 0
  private let lock = NSLockish()
  func increment() { lock.sync { count += 1 } }
  var value: Int { lock.sync { count } }
}

import Foundation
struct NSLockish {
  let lock = NSLock()
  func sync<T>(_ body: () -> T) -> T { lock.withLock(body) }
}
