import Foundation

/// The fields of an SQLite database file's 100-byte header that the store checks before SQLite opens the file
/// (sqlite.org/fileformat.html §1.3; all integers big-endian), so a file it refuses is never touched.
struct SQLiteFileHeader: Equatable {
  /// Bytes per page: offset 16, 2 bytes (the value 1 means 65,536).
  var pageSize: Int
  /// Offset 18: 1 for a rollback journal, 2 for WAL.
  var writeVersion: UInt8
  /// Offset 28, 4 bytes: pages in the file, valid when ``sizeIsValid``.
  var pageCount: Int
  /// The page count is valid when the change counter (offset 24) equals "version-valid-for" (offset 92).
  var sizeIsValid: Bool
  /// `PRAGMA user_version`: offset 60, a signed 4-byte integer.
  var userVersion: Int32
  /// The file's length in bytes.
  var fileSize: Int

  static let magic = Data("SQLite format 3\0".utf8)

  /// What the first bytes of a file say.
  enum Reading: Equatable {
    /// An empty file: SQLite treats it as a new database.
    case empty
    /// Not an SQLite file.
    case notSQLite
    /// The magic, but fewer than 100 bytes.
    case shortHeader(fileSize: Int)
    case header(SQLiteFileHeader)
  }

  /// Reads the header of the file at `path` (nil when it cannot be opened for reading).
  static func read(_ path: String) -> Reading? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    let bytes = (try? handle.read(upToCount: 100)) ?? Data()
    let fileSize = (try? handle.seekToEnd()).map { Int($0) } ?? bytes.count
    return parse(Array(bytes), fileSize: fileSize)
  }

  static func parse(_ bytes: [UInt8], fileSize: Int) -> Reading {
    if bytes.isEmpty { return .empty }
    guard bytes.count >= 16, Data(bytes.prefix(16)) == magic else { return .notSQLite }
    guard bytes.count >= 100 else { return .shortHeader(fileSize: fileSize) }
    func integer(_ offset: Int, _ length: Int) -> UInt32 {
      bytes[offset..<(offset + length)].reduce(0) { $0 << 8 | UInt32($1) }
    }
    let rawPageSize = Int(integer(16, 2))
    return .header(
      SQLiteFileHeader(
        pageSize: rawPageSize == 1 ? 65_536 : rawPageSize, writeVersion: bytes[18], pageCount: Int(integer(28, 4)),
        sizeIsValid: integer(24, 4) == integer(92, 4), userVersion: Int32(bitPattern: integer(60, 4)),
        fileSize: fileSize))
  }

  /// The bytes the header says the file has, when it says so; a shorter file has lost pages.
  var expectedFileSize: Int? {
    sizeIsValid && pageCount > 0 ? pageCount * pageSize : nil
  }

  /// Whether the file is shorter than its header says, or not a whole number of pages.
  var isTruncated: Bool {
    if let expected = expectedFileSize, fileSize < expected { return true }
    return pageSize > 0 && fileSize % pageSize != 0
  }
}
