/// A cached criterion score: per criterion and configuration, a score or a failure with its reason and output.
public struct SearchScoreRecord: Hashable, Sendable {
  public var criterion: String
  public var configKey: String
  /// nil when the criterion failed.
  public var score: Double?
  public var reason: String?
  /// What the failed criterion printed (a command's stderr).
  public var detail: String?
  public var recordedAt: String

  public init(
    criterion: String, configKey: String, score: Double?, reason: String?, detail: String?, recordedAt: String
  ) {
    self.criterion = criterion
    self.configKey = configKey
    self.score = score
    self.reason = reason
    self.detail = detail
    self.recordedAt = recordedAt
  }
}

/// A search as stored: its name, settings, criterion and where it stands.
public struct SearchRecordRow: Hashable, Sendable {
  public var name: String
  public var settings: String
  public var criterion: String
  public var measure: String
  public var target: Int
  /// `finished` or `pending`.
  public var status: String
  public var updatedAt: String

  public init(
    name: String, settings: String, criterion: String, measure: String, target: Int, status: String,
    updatedAt: String
  ) {
    self.name = name
    self.settings = settings
    self.criterion = criterion
    self.measure = measure
    self.target = target
    self.status = status
    self.updatedAt = updatedAt
  }
}

/// One candidate of one step of a search.
public struct SearchCandidateRow: Hashable, Sendable {
  public var step: Int
  public var position: Int
  /// `start`, `forward` or `contraction`.
  public var phase: String
  public var axis: String?
  public var factor: Double
  /// γτ, γt, γs, γw, γb, γd.
  public var gammas: [Double]
  public var configKey: String
  public var frames: Int
  public var crop: Int
  public var samplingRate: Double
  public var widthFactor: Double
  public var depthFactor: Double
  public var bottleneckFactor: Double
  public var complexity: Int
  public var score: Double?
  /// `scored`, `failed` or `pending`.
  public var status: String
  public var reason: String?
  public var chosen: Bool

  public init(
    step: Int, position: Int, phase: String, axis: String?, factor: Double, gammas: [Double], configKey: String,
    frames: Int, crop: Int, samplingRate: Double, widthFactor: Double, depthFactor: Double,
    bottleneckFactor: Double, complexity: Int, score: Double?, status: String, reason: String?, chosen: Bool
  ) {
    self.step = step
    self.position = position
    self.phase = phase
    self.axis = axis
    self.factor = factor
    self.gammas = gammas
    self.configKey = configKey
    self.frames = frames
    self.crop = crop
    self.samplingRate = samplingRate
    self.widthFactor = widthFactor
    self.depthFactor = depthFactor
    self.bottleneckFactor = bottleneckFactor
    self.complexity = complexity
    self.score = score
    self.status = status
    self.reason = reason
    self.chosen = chosen
  }
}
