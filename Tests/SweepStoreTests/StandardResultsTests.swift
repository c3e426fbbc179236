import Foundation
import GRDB
import SweepStore
import TestSupport
import Testing

/// The committed results.db is exactly what `x3d-cost sweep --standard` writes today: regenerate it into a fresh
/// file and compare every table, row by row. If this fails, run tools/make_results_db.sh and commit results.db.
struct StandardResultsTests {
  static let tables = [
    "sweeps", "configs", "layers", "datasets", "metrics", "measurements", "grdb_migrations",
  ]

  func contents(_ path: String) throws -> [String: [[String]]] {
    let queue = try DatabaseQueue(
      path: path,
      configuration: {
        var c = Configuration()
        c.readonly = true
        return c
      }())
    return try queue.read { db in
      var result: [String: [[String]]] = [:]
      for table in Self.tables {
        result[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map { row in
          row.databaseValues.map { value in
            if case .string(let text) = value.storage { return text }
            return value.description
          }
        }.sorted { $0.lexicographicallyPrecedes($1) }
      }
      result["user_version"] = [[String(try Int.fetchOne(db, sql: "PRAGMA user_version") ?? -1)]]
      return result
    }
  }

  @Test func committedResultsDatabaseIsUpToDate() throws {
    let committed = Fixtures.repositoryRoot.appendingPathComponent("results.db").path
    try #require(
      FileManager.default.fileExists(atPath: committed),
      "results.db is missing; run tools/make_results_db.sh")
    // The tool version is a label, not content: regenerate under the committed one.
    let version = try #require(try contents(committed)["sweeps"]?.first?[4])
    let (path, directory) = temporaryDatabase()
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try ResultsStore(path: path)
    try StandardResults.regenerate(into: store, evaluator: costModel, toolVersion: version)
    let expected = try contents(path)
    let actual = try contents(committed)
    for table in expected.keys.sorted() {
      let (want, have) = (expected[table] ?? [], actual[table] ?? [])
      #expect(
        want.count == have.count,
        "\(table): \(have.count) rows committed, \(want.count) regenerated; run tools/make_results_db.sh")
      if let (regenerated, committed) = zip(want, have).first(where: { $0.0 != $0.1 }) {
        Issue.record(
          "\(table) differs: regenerated \(regenerated), committed \(committed); run tools/make_results_db.sh")
      }
    }
    let size = try FileManager.default.attributesOfItem(atPath: committed)[.size] as? Int ?? 0
    #expect(size < 5_000_000, "results.db is \(size) bytes")
  }

  @Test func regeneratingTwiceAddsNothing() throws {
    let store = try ResultsStore.inMemory()
    try StandardResults.regenerate(into: store, evaluator: costModel, toolVersion: "test")
    let before = try count(store, "SELECT count(*) FROM configs")
    let outcomes = try StandardResults.regenerate(
      into: store, evaluator: costModel, toolVersion: "test")
    #expect(outcomes.allSatisfy { $0.processed == 0 })
    #expect(try count(store, "SELECT count(*) FROM configs") == before)
    #expect(try count(store, "SELECT count(*) FROM measurements") == 13)
  }
}
