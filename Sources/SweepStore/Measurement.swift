/// One measured value of one configuration (by ``ConfigurationKey``).
public struct Measurement: Hashable, Sendable {
  public var configKey: String
  public var metric: String
  public var value: Double

  public init(configKey: String, metric: String, value: Double) {
    self.configKey = configKey
    self.metric = metric
    self.value = value
  }
}

/// A named set of measurements and where they come from.
public struct DatasetRecord: Hashable, Sendable {
  public var name: String
  public var source: String
  public var description: String
  /// ISO 8601, UTC.
  public var importedAt: String

  public init(name: String, source: String, description: String, importedAt: String) {
    self.name = name
    self.source = source
    self.description = description
    self.importedAt = importedAt
  }
}

/// A metric measurements may carry: `top1`, `latency_ms`, … and any declared on import.
public struct MetricDeclaration: Hashable, Sendable {
  public enum Better: String, Sendable { case higher, lower }
  public var name: String
  public var unit: String
  public var better: Better

  public init(name: String, unit: String = "", better: Better = .higher) {
    self.name = name
    self.unit = unit
    self.better = better
  }

  /// Parses `NAME[:UNIT[:higher|lower]]`; NAME is lower-case letters, digits and underscores.
  public init(parsing text: String) throws(StoreError) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    let validName =
      parts[0].first.map { $0.isLetter } == true
      && parts[0].allSatisfy { ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "_" }
      && parts[0].allSatisfy(\.isASCII)
    guard parts.count <= 3, validName else { throw .invalidMetricDeclaration(text) }
    var better = Better.higher
    if parts.count == 3 {
      guard let parsed = Better(rawValue: parts[2]) else { throw .invalidMetricDeclaration(text) }
      better = parsed
    }
    self.init(name: parts[0], unit: parts.count > 1 ? parts[1] : "", better: better)
  }
}
