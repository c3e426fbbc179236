import SweepStore
import Testing

/// `query` runs one read-only statement and refuses anything that writes.
struct QueryTests {
  @Test(arguments: [
    "DELETE FROM sweeps", "INSERT INTO metrics VALUES ('x', '', '', 'higher')",
    "DROP TABLE configs",
    "UPDATE configs SET macs = 0", "CREATE TABLE t (x)", "ATTACH DATABASE ':memory:' AS other",
  ])
  func writingStatementsAreRefused(_ sql: String) throws {
    let store = try ResultsStore.inMemory()
    #expect(throws: StoreError.writingStatement(sql: sql)) { _ = try store.query(sql) }
    #expect(try count(store, "SELECT count(*) FROM metrics") == 6)
  }

  @Test func oneStatementAtATime() throws {
    let store = try ResultsStore.inMemory()
    #expect(throws: StoreError.self) { _ = try store.query("SELECT 1; DELETE FROM metrics") }
    #expect(try count(store, "SELECT count(*) FROM metrics") == 6)
  }

  @Test func readsReturnTypedCells() throws {
    let store = try ResultsStore.inMemory()
    let result = try store.query("SELECT 1 AS i, 2.5 AS r, 'a' AS t, NULL AS n")
    #expect(result.columns == ["i", "r", "t", "n"])
    #expect(result.rows == [[.integer(1), .real(2.5), .text("a"), .null]])
  }

  @Test func sqlErrorsAreReported() throws {
    let store = try ResultsStore.inMemory()
    #expect(throws: StoreError.self) { _ = try store.query("SELECT nothing FROM nowhere") }
  }
}
