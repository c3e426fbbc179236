import Foundation

/// Locates and reads the committed golden fixtures in `Tests/Fixtures`.
public enum Fixtures {
  /// `Tests/Fixtures`, found from this source file's location.
  public static var directory: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures")
  }

  /// The repository root.
  public static var repositoryRoot: URL {
    directory.deletingLastPathComponent().deletingLastPathComponent()
  }

  /// Decodes a JSON fixture; the error names the file and the command that regenerates it.
  public static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    let url = directory.appendingPathComponent(name)
    let data = try Data(contentsOf: url)
    do {
      return try JSONDecoder().decode(T.self, from: data)
    } catch {
      throw FixtureError(message: "\(url.path) does not decode: \(error). Regenerate it with the command in tools/.")
    }
  }
}

public struct FixtureError: Error, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}
