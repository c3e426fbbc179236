/// A scatter figure: axes, series of points (each with its own marker, colour and frontier line) and labels.
/// Sizes are in PostScript points (1/72 in); ``FigureLayout`` turns it into marks, ``SVGWriter`` and ``PDFWriter``
/// write them.
public struct Figure: Sendable {
  public var x: ChartAxis
  public var y: ChartAxis
  public var series: [FigureSeries]
  /// Texts attached to points (preset names), placed where they overlap nothing; those that fit nowhere are left
  /// out and listed by the layout.
  public var labels: [FigureLabel]
  public var title: String?
  /// Width and height of the page, points (3.3 in = 237.6 pt, one column of a two-column paper).
  public var width: Double
  public var height: Double
  /// Font size for ticks, labels and the legend, points; titles are 10 % larger.
  public var fontSize: Double

  public init(
    x: ChartAxis, y: ChartAxis, series: [FigureSeries], labels: [FigureLabel] = [], title: String? = nil,
    width: Double = 432, height: Double? = nil, fontSize: Double? = nil
  ) {
    self.x = x
    self.y = y
    self.series = series
    self.labels = labels
    self.title = title
    self.width = width
    self.height = height ?? (width * 0.75).rounded()
    // 8 pt at one column (3.3 in), growing slowly with the width.
    self.fontSize = fontSize ?? Swift.min(11, Swift.max(7, (width / 30).rounded()))
  }
}

/// One series: its cloud of points (drawn translucent) and its frontier (a line with solid markers on top).
public struct FigureSeries: Sendable {
  public var name: String
  public var cloud: PointCloud
  /// Frontier points by increasing x, stored units.
  public var frontier: [FigurePoint]

  public init(name: String, cloud: PointCloud, frontier: [FigurePoint]) {
    self.name = name
    self.cloud = cloud
    self.frontier = frontier
  }
}

/// A point in stored units.
public struct FigurePoint: Sendable, Hashable {
  public var x: Double
  public var y: Double
  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }
}

/// A text to place next to a point (bold: a highlighted preset).
public struct FigureLabel: Sendable, Hashable {
  public var text: String
  public var point: FigurePoint
  public var bold: Bool
  public init(text: String, point: FigurePoint, bold: Bool = true) {
    self.text = text
    self.point = point
    self.bold = bold
  }
}
