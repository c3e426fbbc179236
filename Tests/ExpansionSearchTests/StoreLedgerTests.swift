import ExpansionSearch
import SweepStore
import Testing
import X3DModel

/// The search state in the results database: scores cached across runs, the path queryable.
struct StoreLedgerTests {
  @Test func scoresAndStepsPersist() throws {
    let store = try ResultsStore.inMemory()
    let ledger = StoreLedger(store: store, now: { "2026-01-01T00:00:00Z" })
    let criterion = FunctionCriterion(cacheKey: "width") { candidate in
      candidate.axis == .spatial ? .failed(reason: "exit status 2", detail: "CUDA out of memory") : .scored(candidate.vector.gammaW)
    }
    let search = try ExpansionSearch(name: "w", settings: SearchSettings(target: 120_000_000))
    let first = try search.run(criterion: criterion, ledger: ledger)
    #expect(first.evaluations > 0)
    let again = try search.run(criterion: criterion, ledger: ledger)
    #expect(again.evaluations == 0)
    #expect(again.steps == first.steps)
    let record = try #require(try store.search(named: "w"))
    #expect(record.status == "finished")
    #expect(record.criterion == "width")
    let failed = try #require(
      first.steps[0].candidates.first { $0.axis == .spatial })
    let cached = try #require(try store.searchScore(criterion: "width", configKey: failed.key))
    #expect(cached.score == nil)
    #expect(cached.detail == "CUDA out of memory")
    #expect(try ledger.outcome(criterion: "width", configurationKey: failed.key) == .failed(reason: "exit status 2", detail: "CUDA out of memory"))
  }
}
