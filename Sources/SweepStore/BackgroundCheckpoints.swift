import Dispatch
import GRDB

/// Checkpoints of a sweep's write-ahead log, run on a connection and thread of their own.
///
/// SQLite copies committed pages from the `-wal` file into the database file (a checkpoint) on the connection that
/// commits, once the log passes 1,000 pages: about a twelfth of a large sweep's writing thread, and its `fsync`s
/// (docs/store.md). While a sweep writes, its connection leaves that to a second connection here, which runs a
/// passive checkpoint after every batch: it copies committed pages only and never blocks the writer, so durability
/// and what a `kill -9` leaves are as before. The log restarts from its beginning only when a write transaction
/// begins with every committed page copied, so before every ``restartInterval``-th batch the writer waits for the
/// checkpoints asked for so far, and the log holds at most that many batches' pages.
final class BackgroundCheckpoints: @unchecked Sendable {
  /// Batches between the writer's waits for the checkpoints (the log's bound, in batches).
  static let restartInterval = 4

  private let store: ResultsStore
  private let connection: DatabaseQueue
  private let queue = DispatchQueue(label: "x3d-cost.checkpoints")
  /// The writing connection's `wal_autocheckpoint`, restored by ``finish()``.
  private let autocheckpoint: Int
  /// Batches begun (used on the writing thread only).
  private var batches = 0

  /// Takes over the checkpoints of `store`'s writing connection; nil for an in-memory store or when a second
  /// connection cannot be opened (the writing connection then checkpoints as before).
  init?(store: ResultsStore) {
    guard store.path != ":memory:" else { return nil }
    var configuration = Configuration()
    configuration.busyMode = .immediateError
    do {
      connection = try DatabaseQueue(path: store.path, configuration: configuration)
      autocheckpoint = try store.queue.writeWithoutTransaction { db in
        let current = try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? 1_000
        try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        return current
      }
    } catch {
      return nil
    }
    self.store = store
  }

  /// Before a batch's transaction begins: every ``restartInterval``-th batch, waits for the checkpoints asked for.
  func beforeBatch() {
    if batches % Self.restartInterval == 0 { queue.sync {} }
    batches += 1
  }

  /// After a batch has committed: asks for a passive checkpoint. One that cannot run now (another connection is
  /// checkpointing) is left to the next.
  func afterBatch() {
    queue.async { [connection] in
      _ = try? connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
    }
  }

  /// Waits for the checkpoints asked for and gives checkpointing back to the writing connection.
  func finish() {
    queue.sync {}
    let autocheckpoint = self.autocheckpoint
    _ = try? store.queue.writeWithoutTransaction { db in
      try db.execute(sql: "PRAGMA wal_autocheckpoint = \(autocheckpoint)")
    }
  }
}
