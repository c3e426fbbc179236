/// The widths and depths a configuration resolves to (x3d-reference.md §3), before any shape is known.
public struct X3DArchitecture: Hashable, Sendable {
  /// One residual stage: `blocks` bottleneck blocks of output width `width`, inner width `innerWidth` and
  /// squeeze-excitation width `squeezeWidth`.
  public struct Stage: Hashable, Sendable {
    public var id: StageID
    public var width: Int
    public var innerWidth: Int
    public var squeezeWidth: Int
    public var blocks: Int
  }

  /// Stem width `C1 = round_width(12, w)`.
  public var stemWidth: Int
  public var stages: [Stage]
  /// The head's conv5 width: res5's inner width.
  public var headInnerWidth: Int
  /// fc1 width, `DIM_C5`.
  public var headOutWidth: Int
  public var classes: Int
  /// pool5's kernel `(T, ceil(S/32), ceil(S/32))`, sized from the train crop.
  public var poolKernel: Triple

  /// `DIM_C1`: the stem's base width.
  public static let baseStemWidth = 12
  /// `DIM_C5`: the head's fc1 width.
  public static let headOutWidth = 2048
  /// Blocks per stage at depth factor 1.
  public static let baseBlocks = [1, 2, 5, 3]

  public init(_ configuration: ModelConfiguration) throws(ConfigurationError) {
    let divisor = configuration.implementation.widthDivisor
    let w = configuration.widthFactor
    func widen(_ base: Int) -> Int {
      WidthRounding.roundWidth(base, multiplier: w, minimum: divisor, divisor: divisor)
    }
    stemWidth = widen(Self.baseStemWidth)
    var base = Self.baseStemWidth
    var stages: [Stage] = []
    stages.reserveCapacity(4)
    for index in Self.baseBlocks.indices {
      let id = StageID.residual(index)
      let width = widen(base)
      let inner = WidthRounding.innerWidth(width, bottleneckFactor: configuration.bottleneckFactor)
      if inner < 1 {
        throw .zeroWidth(
          node: "\(id.name) inner width int(\(configuration.bottleneckFactor)·\(width))",
          parameter: .bottleneckFactor, value: configuration.bottleneckFactor)
      }
      stages.append(
        Stage(
          id: id, width: width, innerWidth: inner, squeezeWidth: WidthRounding.squeezeWidth(inner),
          blocks: Self.blocks(inStage: index, depthFactor: configuration.depthFactor)))
      base = WidthRounding.roundWidth(base, multiplier: 2, minimum: 8, divisor: 8)
    }
    self.stages = stages
    headInnerWidth = stages[3].innerWidth
    headOutWidth = Self.headOutWidth
    classes = configuration.classes
    let spatial = (configuration.crop + 31) / 32
    poolKernel = Triple(configuration.frames, spatial, spatial)
  }

  /// The width block `block` of residual stage `stage` reads: the stem's (res2 block 0), the previous stage's
  /// (block 0 of a later stage) or the stage's own (every later block).
  @inlinable
  public func inputWidth(stage: Int, block: Int) -> Int {
    block > 0 ? stages[stage].width : stage == 0 ? stemWidth : stages[stage - 1].width
  }

  /// Blocks of residual stage `stage` (0…3) at depth factor `depthFactor`: `⌈d·base⌉`.
  @inlinable
  public static func blocks(inStage stage: Int, depthFactor: Double) -> Int {
    WidthRounding.roundRepeats(baseBlocks[stage], depthFactor: depthFactor)
  }

  /// Total residual blocks.
  public var blockCount: Int { stages.reduce(0) { $0 + $1.blocks } }
}
