import Foundation

/// Everything about a folder that a write could change: each file's bytes and modification time. Two snapshots
/// are equal when no file was added, removed, written or touched in between.
public struct FolderSnapshot: Equatable, Sendable {
  public var files: [String: Data]
  public var modified: [String: Date]

  public init(_ directory: URL) throws {
    files = [:]
    modified = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
      let path = directory.appendingPathComponent(name).path
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
        continue
      }
      files[name] = try Data(contentsOf: URL(fileURLWithPath: path))
      modified[name] = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
    }
  }

  /// The snapshot without SQLite's `-wal` and `-shm` side files, which a read-only connection to a WAL database
  /// creates and cannot remove (they hold no data of their own; the database file itself is compared).
  public var withoutSQLiteSideFiles: FolderSnapshot {
    var copy = self
    for name in files.keys where name.hasSuffix("-wal") || name.hasSuffix("-shm") {
      copy.files[name] = nil
      copy.modified[name] = nil
    }
    return copy
  }
}
