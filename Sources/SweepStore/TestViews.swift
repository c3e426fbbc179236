/// A multi-view test protocol: each video is evaluated on `clips` temporal clips × `crops` spatial crops and the
/// predictions averaged, so the cost per video is the cost per view × `count`. The X3D paper's Table 3 uses 10
/// center clips (10×1); the SlowFast and pytorchvideo model zoos use 10 clips × 3 crops (10×3, 30 views).
public struct TestViews: Hashable, Sendable, CustomStringConvertible {
  public var clips: Int
  public var crops: Int

  /// Views per video.
  public var count: Int { clips * crops }

  /// `10×3`.
  public var description: String { "\(clips)×\(crops)" }
  /// `10x3`, as stored in the database.
  public var stored: String { "\(clips)x\(crops)" }

  public static let single = TestViews(clips: 1, crops: 1)

  public init(clips: Int, crops: Int) {
    self.clips = clips
    self.crops = crops
  }

  /// Parses `CLIPSxCROPS` (`10x3`, `10×3`, `10X3`), each from 1 to 1000; nil for anything else.
  public init?(_ text: String) {
    let parts = text.split(whereSeparator: { $0 == "x" || $0 == "X" || $0 == "×" }).map(String.init)
    guard parts.count == 2, text.count == parts[0].count + parts[1].count + 1,
      parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
      let clips = Int(parts[0]), let crops = Int(parts[1]), (1...1000).contains(clips), (1...1000).contains(crops)
    else { return nil }
    self.init(clips: clips, crops: crops)
  }
}
