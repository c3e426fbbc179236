import Foundation

/// Makes a folder read-only for this process, also when it runs as root (for whom `chmod` is not enough): mode
/// 0555, then the immutable attribute (`chattr +i`, Linux) if the folder is still writable.
public enum ReadOnlyFolder {
  /// Whether the folder is now read-only.
  public static func make(_ directory: URL) -> Bool {
    try? FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory.path)
    if !FileManager.default.isWritableFile(atPath: directory.path) { return true }
    run("/usr/bin/chattr", ["+i", directory.path])
    return !FileManager.default.isWritableFile(atPath: directory.path)
  }

  /// Undoes ``make(_:)`` so the folder can be removed.
  public static func release(_ directory: URL) {
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/chattr") {
      run("/usr/bin/chattr", ["-i", directory.path])
    }
    try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
  }

  private static func run(_ tool: String, _ arguments: [String]) {
    guard FileManager.default.isExecutableFile(atPath: tool) else { return }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    process.standardError = FileHandle.nullDevice
    try? process.run()
    process.waitUntilExit()
  }
}
