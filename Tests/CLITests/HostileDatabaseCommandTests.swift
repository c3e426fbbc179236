import Foundation
import TestSupport
import Testing

/// `sweep`, `import` and `query` on databases they must refuse, and `query` output that must stay safe: every
/// refusal exits 2 with the folder byte-for-byte unchanged (the store used to switch such files to WAL first).
struct HostileDatabaseCommandTests {
  func directory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("x3d-hostile-db-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// A folder with a small x3d-cost database `results.db`, patched by `patch` (then in rollback-journal mode, as
  /// a database another program wrote would be, so a switch to WAL would show in its bytes).
  func database(_ patch: (inout Data) -> Void) throws -> URL {
    let here = try directory()
    let sweep = try CommandRunner.run(["sweep", "--name", "s", "--frames", "4,8", "--crop", "160,224"], in: here)
    #expect(sweep.status == 0, "\(sweep.standardError)")
    let url = here.appendingPathComponent("results.db")
    var bytes = try Data(contentsOf: url)
    bytes[18] = 1
    bytes[19] = 1
    patch(&bytes)
    try bytes.write(to: url)
    return here
  }

  /// `PRAGMA user_version` is the big-endian 32-bit integer at offset 60 of the header.
  static func userVersion(_ value: Int32) -> (inout Data) -> Void {
    { bytes in
      withUnsafeBytes(of: value.bigEndian) { for (i, byte) in $0.enumerated() { bytes[60 + i] = byte } }
    }
  }

  /// Renames the migration table (same length, so the file stays valid): tables but no migration record.
  static func foreign(_ bytes: inout Data) {
    let from = Array("grdb_migrations".utf8)
    let to = Array("note_migrations".utf8)
    var index = bytes.startIndex
    while index + from.count <= bytes.endIndex {
      if bytes[index..<(index + from.count)].elementsEqual(from) {
        bytes.replaceSubrange(index..<(index + from.count), with: to)
      }
      index += 1
    }
  }

  /// Status 2, `message` on stderr (one line unless `lines` says otherwise), and the folder unchanged; `reads`:
  /// the command ran a query, so SQLite's `-wal` and `-shm` side files may appear (the database file may not change).
  func expectRefused(
    _ arguments: [String], in directory: URL, _ message: String, lines: Int = 1, reads: Bool = false
  ) throws {
    let before = try FolderSnapshot(directory)
    Thread.sleep(forTimeInterval: 0.01)
    let result = try CommandRunner.run(arguments, in: directory)
    #expect(result.status == 2, "\(arguments): status \(result.status), \(result.standardError)")
    #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
    #expect(result.standardError.dropLast().split(separator: "\n").count == lines, "\(result.standardError)")
    let after = try FolderSnapshot(directory)
    if reads {
      #expect(after.withoutSQLiteSideFiles == before.withoutSQLiteSideFiles, "\(arguments) changed the database")
    } else {
      #expect(after == before, "\(arguments) changed the folder: \(after.files.keys.sorted())")
    }
  }

  static let writers: [[String]] = [
    ["sweep", "--name", "t", "--frames", "4"], ["sweep", "--standard"],
    ["query", "SELECT count(*) FROM sqlite_master"],
  ]

  @Test(arguments: writers)
  func foreignDatabase(_ command: [String]) throws {
    let here = try database(Self.foreign)
    defer { try? FileManager.default.removeItem(at: here) }
    try expectRefused(command, in: here, "results.db is an SQLite database that x3d-cost did not create")
  }

  @Test(arguments: writers)
  func newerSchema(_ command: [String]) throws {
    let here = try database(Self.userVersion(99))
    defer { try? FileManager.default.removeItem(at: here) }
    try expectRefused(command, in: here, "results.db has schema version 99, newer than the")
  }

  @Test(arguments: writers)
  func negativeUserVersion(_ command: [String]) throws {
    let here = try database(Self.userVersion(-1))
    defer { try? FileManager.default.removeItem(at: here) }
    try expectRefused(command, in: here, "results.db has schema version (user_version) -1, which no x3d-cost writes")
  }

  @Test(arguments: writers)
  func truncatedDatabase(_ command: [String]) throws {
    var size = 0
    let here = try database { bytes in
      size = bytes.count
      bytes = bytes.prefix(bytes.count / 2 + 100)
    }
    defer { try? FileManager.default.removeItem(at: here) }
    try expectRefused(
      command, in: here, "results.db is truncated: its header says \(size) bytes, the file has \(size / 2 + 100)")
  }

  @Test func standardChecksEveryPreconditionBeforeWriting() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let own = try CommandRunner.run(["sweep", "--name", "standard", "--frames", "4"], in: here)
    #expect(own.status == 0, "\(own.standardError)")
    // The message shows both definitions, on three lines, as for any sweep that cannot be resumed.
    try expectRefused(
      ["sweep", "--standard"], in: here, "sweep 'standard' already exists with another definition", lines: 3)
  }

  // MARK: query

  @Test func queryNeverPrintsAnAddress() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    _ = try CommandRunner.run(["sweep", "--name", "s", "--frames", "4"], in: here)
    for sql in ["SELECT fts3_tokenizer('simple')", "SELECT hex(fts3_tokenizer('porter')) AS p"] {
      try expectRefused(
        ["query", sql], in: here, "fts3_tokenizer is disabled: it returns a memory address", reads: true)
    }
  }

  @Test func queryResultsAreBounded() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    _ = try CommandRunner.run(["sweep", "--name", "s", "--frames", "4"], in: here)
    let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c"
    try expectRefused(
      ["query", endless, "--max-rows", "1000"], in: here, "the result is larger than 1000 rows or 256 MiB", reads: true)
    try expectRefused(
      ["query", "SELECT zeroblob(300000000)"], in: here, "the result is larger than 1000000 rows or 256 MiB",
      reads: true)
    let ten = try CommandRunner.run(
      [
        "query", endless.replacingOccurrences(of: "FROM c)", with: "FROM c LIMIT 10)"), "--max-rows", "10", "--format",
        "csv",
      ], in: here)
    #expect(ten.status == 0 && ten.standardOutput.split(separator: "\r\n").count == 11, "\(ten.standardOutput)")
  }

  @Test func tableOutputEscapesControlCharacters() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    _ = try CommandRunner.run(["sweep", "--name", "s", "--frames", "4"], in: here)
    for format in ["table", "markdown"] {
      let result = try CommandRunner.run(
        [
          "query", "SELECT 'a' || char(27) || '[2J' || char(10) || 'b' || char(9) || char(155) || char(8238) AS v",
          "--format", format,
        ], in: here)
      #expect(result.status == 0, "\(result.standardError)")
      #expect(result.standardOutput.contains("a\\u{1B}[2J\\nb\\t\\u{9B}\\u{202E}"), "\(result.standardOutput)")
      #expect(
        !result.standardOutput.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B || $0.value == 0x202E })
    }
    let csv = try CommandRunner.run(["query", "SELECT 'a' || char(10) || 'b' AS v", "--format", "csv"], in: here)
    #expect(csv.standardOutput == "v\r\n\"a\nb\"\r\n", "CSV keeps the data as it is: \(csv.standardOutput)")
  }

  @Test func readOnlyCopyInAReadOnlyFolderCanBeQueried() throws {
    let here = try directory()
    let copy = here.appendingPathComponent("copy")
    defer {
      ReadOnlyFolder.release(copy)
      try? FileManager.default.removeItem(at: here)
    }
    _ = try CommandRunner.run(["sweep", "--name", "s", "--frames", "4,8"], in: here)
    try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: here.appendingPathComponent("results.db"), to: copy.appendingPathComponent("results.db"))
    guard ReadOnlyFolder.make(copy) else {
      Issue.record("cannot make a folder read-only here (neither chmod nor chattr +i)")
      return
    }
    let before = try FolderSnapshot(copy)
    let result = try CommandRunner.run(["query", "SELECT count(*) AS n FROM configs", "--format", "csv"], in: copy)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput == "n\r\n2\r\n")
    #expect(try FolderSnapshot(copy) == before)
  }
}
