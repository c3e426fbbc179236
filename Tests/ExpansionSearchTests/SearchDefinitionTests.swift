import ExpansionSearch
import Foundation
import Testing
import X3DModel

/// A search name stands for one definition; an interrupted search keeps what it scored and resumes from there.
struct SearchDefinitionTests {
  let criterion = FunctionCriterion(cacheKey: "depth") { .scored($0.vector.gammaD) }

  func search(_ adjust: (inout SearchSettings) -> Void = { _ in }) throws -> ExpansionSearch {
    var settings = SearchSettings(target: 150_000_000)
    adjust(&settings)
    return try ExpansionSearch(name: "s", settings: settings)
  }

  @Test func anotherDefinitionUnderOneNameIsRefused() throws {
    let ledger = MemoryLedger()
    _ = try search().run(criterion: criterion, ledger: ledger)
    _ = try search().run(criterion: criterion, ledger: ledger)
    _ = try search { $0.onFailure = .stop }.run(criterion: criterion, ledger: ledger)
    let changes: [(inout SearchSettings) -> Void] = [
      { $0.target = 160_000_000 }, { $0.axes = [.depth, .width] }, { $0.stepRatio = 3 },
      { $0.implementation = .slowfast },
    ]
    for change in changes {
      #expect {
        try self.search(change).run(criterion: criterion, ledger: ledger)
      } throws: { error in
        guard case .definitionMismatch(let name, let stored, let requested) = error as? SearchError else {
          return false
        }
        let text = (error as! SearchError).description
        return name == "s" && stored != requested && text.contains(stored) && text.contains(requested)
      }
    }
    // A summary stored before factors were canonical names the same definition.
    let old =
      "target=1 measure=macs axes=t step_ratio=2.0 selection=score tolerance=0.02 on_failure=skip "
      + "impl=paper classes=400 start=1.0,1.0,1.4285714285714286,1.0,1.0,1.0"
    #expect(
      SearchSettings.definition(ofSummary: old)
        == "target=1 measure=macs axes=t step_ratio=2.0 selection=score tolerance=0.02 impl=paper classes=400 "
        + "start=1,1,1.42857,1,1,1")
    let otherCriterion = FunctionCriterion(cacheKey: "width") { .scored($0.vector.gammaW) }
    #expect(throws: SearchError.self) { try self.search().run(criterion: otherCriterion, ledger: ledger) }
  }

  @Test func interruptedSearchKeepsItsScoresAndResumesWithoutRepeats() throws {
    let ledger = MemoryLedger()
    let calls = KeyLog()
    let stop = StopFlag()
    let counted = FunctionCriterion(cacheKey: "counted") { candidate in
      calls.add(candidate.key)
      if calls.count >= 8 { stop.set() }
      return .scored(candidate.vector.gammaD + candidate.vector.gammaS / 10)
    }
    #expect {
      try self.search().run(criterion: counted, ledger: ledger, shouldStop: { stop.isSet })
    } throws: { error in
      if case .interrupted(let evaluations) = error as? SearchError { return evaluations >= 6 }
      return false
    }
    let before = calls.count
    #expect(ledger.count == before)
    let resumed = try search().run(criterion: counted, ledger: ledger)
    #expect(calls.keys.count == Set(calls.keys).count, "a candidate was scored twice")
    #expect(resumed.evaluations == calls.count - before)
    let fresh = try search().run(criterion: counted, ledger: MemoryLedger())
    #expect(fresh.steps == resumed.steps)
  }
}

final class KeyLog: @unchecked Sendable {
  private let lock = NSLock()
  private var list: [String] = []
  func add(_ key: String) { lock.withLock { list.append(key) } }
  var count: Int { lock.withLock { list.count } }
  var keys: [String] { lock.withLock { list } }
}

final class StopFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var flag = false
  func set() { lock.withLock { flag = true } }
  var isSet: Bool { lock.withLock { flag } }
}
