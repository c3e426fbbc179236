/// A point on the page, in points from the top-left corner (y grows downwards).
public struct PagePoint: Sendable, Hashable {
  public var x: Double
  public var y: Double
  public init(_ x: Double, _ y: Double) {
    self.x = x
    self.y = y
  }
}

/// A rectangle on the page, points, y downwards.
public struct PageRect: Sendable, Hashable {
  public var minX: Double
  public var minY: Double
  public var maxX: Double
  public var maxY: Double
  public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
    self.minX = minX
    self.minY = minY
    self.maxX = maxX
    self.maxY = maxY
  }
  public var width: Double { maxX - minX }
  public var height: Double { maxY - minY }

  /// Whether the two rectangles share interior points.
  public func intersects(_ other: PageRect) -> Bool {
    minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
  }

  public func contains(_ other: PageRect) -> Bool {
    other.minX >= minX && other.maxX <= maxX && other.minY >= minY && other.maxY <= maxY
  }

  public func insetBy(_ amount: Double) -> PageRect {
    PageRect(minX: minX + amount, minY: minY + amount, maxX: maxX - amount, maxY: maxY - amount)
  }
}

/// An sRGB colour.
public struct RGB: Sendable, Hashable {
  public var red: UInt8
  public var green: UInt8
  public var blue: UInt8
  public init(_ hex: UInt32) {
    red = UInt8((hex >> 16) & 0xFF)
    green = UInt8((hex >> 8) & 0xFF)
    blue = UInt8(hex & 0xFF)
  }
  public static let black = RGB(0x000000)
  public static let grid = RGB(0xE3E3E3)
  public static let frame = RGB(0x444444)
}

/// Marker shapes, one per series.
public enum MarkerShape: Sendable, CaseIterable {
  case circle, square, triangle, diamond, triangleDown
}

/// Where a text's anchor point sits on its baseline.
public enum TextAnchor: Sendable { case start, middle, end }

/// One thing drawn on the page, in drawing order. Both writers draw exactly these.
public enum Mark: Sendable {
  case rect(PageRect, fill: RGB?, stroke: RGB?, lineWidth: Double, opacity: Double)
  case polyline([PagePoint], stroke: RGB, lineWidth: Double, opacity: Double)
  case marker(MarkerShape, center: PagePoint, radius: Double, fill: RGB?, stroke: RGB?, opacity: Double)
  /// Text whose baseline starts, centres or ends at `at`; `vertical` turns it 90° counter-clockwise about `at`.
  case text(String, at: PagePoint, size: Double, bold: Bool, anchor: TextAnchor, vertical: Bool)
}
