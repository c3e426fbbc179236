/// A tensor shape in PyTorch's video layout `(N, C, T, H, W)`.
///
/// The classifier's final output `(N, K)` is a shape with `isFlat` set: `frames`, `height` and `width` are 1
/// and ``dimensions`` has two entries. The per-position class scores of the head keep the 5-D channel-first layout
/// `(N, K, T', H', W')` (SlowFast permutes them to channel-last; the element count is the same).
public struct TensorShape: Hashable, Sendable {
  public var batch: Int
  public var channels: Int
  public var frames: Int
  public var height: Int
  public var width: Int
  public var isFlat: Bool

  public init(batch: Int, channels: Int, frames: Int, height: Int, width: Int) {
    self.batch = batch
    self.channels = channels
    self.frames = frames
    self.height = height
    self.width = width
    self.isFlat = false
  }

  /// A `(N, C)` shape.
  public static func flat(batch: Int, channels: Int) -> TensorShape {
    var shape = TensorShape(batch: batch, channels: channels, frames: 1, height: 1, width: 1)
    shape.isFlat = true
    return shape
  }

  /// The dimensions as PyTorch reports them: five, or two for a flat shape.
  public var dimensions: [Int] {
    isFlat ? [batch, channels] : [batch, channels, frames, height, width]
  }

  /// Positions per sample: `T·H·W`. Never overflows once ``elementCount()`` has succeeded.
  public var positions: Int { frames &* height &* width }

  /// `N·C·T·H·W`, overflow-checked.
  public func elementCount() throws(ShapeOverflow) -> Int {
    let (a, o1) = batch.multipliedReportingOverflow(by: channels)
    let (b, o2) = a.multipliedReportingOverflow(by: frames)
    let (c, o3) = b.multipliedReportingOverflow(by: height)
    let (d, o4) = c.multipliedReportingOverflow(by: width)
    if o1 || o2 || o3 || o4 { throw ShapeOverflow() }
    return d
  }
}

/// A product of extents that does not fit in 64 bits.
public struct ShapeOverflow: Error, Sendable {
  public init() {}
}

extension TensorShape: CustomStringConvertible {
  /// `1×3×16×224×224`.
  public var description: String { dimensions.map(String.init).joined(separator: "×") }
}
