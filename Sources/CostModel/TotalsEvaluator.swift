import X3DModel

/// Totals for many configurations, fast: the sweep path. `evaluator.totals(c)` equals
/// ``CostReport/totals(_:elementType:)`` exactly, errors included, for every configuration.
///
/// The network is a stem, residual blocks and a head (``X3DBuilder/Segment``). What a segment costs (every sum, its
/// inference peak with its input live, the bytes training saves for it) depends on the configuration only through
/// its widths and its input shape, never on the depth factor, which sets only how many copies of each distinct
/// block the network holds. The evaluator keeps, per configuration without its depth factor, the cost of each
/// segment, found by running the builder and ``CostAccumulator`` on that segment alone (the formulas stay in
/// ``CostFormulas``), and combines them:
///
/// - sums and training bytes: stem + head + Σ repeats · block, each product and sum overflow-checked;
/// - inference peak: the largest segment peak. Exact because the only tensor live across a segment boundary is the
///   block input (the clip is freed by the stem's first convolution, every block input is freed inside the block,
///   and every other tensor has its readers in its own segment), and a segment starts with that input live.
///
/// When any count would overflow, or a segment cannot be built, the configuration is handed to
/// ``CostReport/totals(_:elementType:)``, which throws the error naming the node (or returns the totals).
///
/// One evaluator per thread; it is a value, so copies are independent. Remembered segments are dropped all at once
/// when `capacity` configurations are held.
public struct TotalsEvaluator {
  public let elementType: ElementType
  /// Configurations (without their depth factor) held before the memo is cleared.
  public let capacity: Int

  /// Per held configuration: `segmentsPerEntry` segment costs (stem, head, then stage-major blocks 0, 1, 2),
  /// which of them are known, and each stage's block-0 output shape (the input of blocks 1 and 2).
  private var keys: [Key] = []
  private var segments: [CostTotals] = []
  private var known: [UInt16] = []
  /// Per held configuration: whether every count of its known segments is below 2^40.
  private var smallCounts: [Bool] = []
  private var stageOutputs: [TensorShape] = []
  /// Entries by their key's hash.
  private var index: HashIndex
  /// Segment totals and output shapes by segment description, shared between entries; cleared with them, and on
  /// their own when `sharedCapacity` are held (a small table stays in cache: most lookups find nothing, since
  /// configurations share a segment only where they differ in nothing it reads).
  private var sharedKeys: [SegmentKey] = []
  private var sharedValues: [(CostTotals, TensorShape)] = []
  private var sharedIndex: HashIndex
  /// Shared segments held before that table is cleared.
  public let sharedCapacity: Int

  static let segmentsPerEntry = 14
  static let stem = 0
  static let head = 1
  static let stemAndHeadKnown: UInt16 = 0b11

  /// - Parameters:
  ///   - elementType: the element type memory figures are given in.
  ///   - capacity: how many configurations (without their depth factor) to remember, at about 1.2 kB each.
  ///   - sharedCapacity: how many segments to remember for sharing between configurations, at about 0.2 kB each.
  public init(elementType: ElementType = .f32, capacity: Int = 1 << 14, sharedCapacity: Int = 1 << 12) {
    self.elementType = elementType
    self.capacity = Swift.max(1, capacity)
    self.sharedCapacity = Swift.max(1, sharedCapacity)
    sharedIndex = HashIndex(minimumCapacity: self.sharedCapacity)
    index = HashIndex(minimumCapacity: self.capacity)
  }

  /// The totals of `configuration`: equal to `CostReport.totals(configuration, elementType: elementType)`.
  public mutating func totals(_ configuration: ModelConfiguration) throws(ConfigurationError) -> CostTotals {
    if let totals = try? fastTotals(configuration) { return totals }
    return try CostReport.totals(configuration, elementType: elementType)
  }

  /// Forgets every remembered segment.
  public mutating func removeAll() {
    keys.removeAll(keepingCapacity: true)
    segments.removeAll(keepingCapacity: true)
    known.removeAll(keepingCapacity: true)
    smallCounts.removeAll(keepingCapacity: true)
    stageOutputs.removeAll(keepingCapacity: true)
    index.removeAll()
    sharedKeys.removeAll(keepingCapacity: true)
    sharedValues.removeAll(keepingCapacity: true)
    sharedIndex.removeAll()
  }

  /// The memo path; throws on any failure (the caller then asks the reference path).
  private mutating func fastTotals(_ configuration: ModelConfiguration) throws(ConfigurationError) -> CostTotals {
    let key = Key(configuration)
    let entry = try entry(for: key, configuration)
    let depth = configuration.depthFactor
    // Blocks per stage, once.
    let base = X3DArchitecture.baseBlocks
    let blocks = (
      WidthRounding.roundRepeats(base[0], depthFactor: depth), WidthRounding.roundRepeats(base[1], depthFactor: depth),
      WidthRounding.roundRepeats(base[2], depthFactor: depth), WidthRounding.roundRepeats(base[3], depthFactor: depth)
    )
    @inline(__always) func blocksOf(_ stage: Int) -> Int {
      stage == 0 ? blocks.0 : stage == 1 ? blocks.1 : stage == 2 ? blocks.2 : blocks.3
    }
    // Which segments the configuration has (stem, head, every block 0; blocks 1 and 2 where the stage is deep
    // enough); blocks 1 and 2 of a stage are priced the first time a configuration deep enough needs them.
    var needed = Self.stemAndHeadKnown
    for stage in 0..<4 {
      for index in 0..<3 where X3DBuilder.distinctRepeats(blocks: blocksOf(stage), index: index) > 0 {
        needed |= 1 << (2 + 3 * stage + index)
      }
    }
    let missing = needed & ~known[entry]
    if missing != 0 { try price(missing, entry: entry, configuration) }
    // Combine in place (no copies of the remembered totals). When every remembered count of the entry is below
    // 2^40 and every stage has fewer than 2^16 blocks, no product or sum of at most 14 terms can reach 2^63, so
    // wrapping arithmetic gives the exact result; otherwise each product and sum is checked (one flag).
    let small =
      smallCounts[entry] && blocks.0 < 1 << 16 && blocks.1 < 1 << 16 && blocks.2 < 1 << 16
      && blocks.3 < 1 << 16
    let sum = segments.withUnsafeBufferPointer { all in
      let segment = all.baseAddress! + entry * Self.segmentsPerEntry
      var sum = Sum()
      /// Every segment the configuration has, with how many copies of it.
      @inline(__always)
      func forEachSegment(_ add: (UnsafePointer<CostTotals>, Int) -> Void) {
        add(segment + Self.stem, 1)
        for stage in 0..<4 {
          let stageBlocks = blocksOf(stage)
          for index in 0..<3 {
            let repeats = X3DBuilder.distinctRepeats(blocks: stageBlocks, index: index)
            if repeats > 0 { add(segment + (2 + 3 * stage + index), repeats) }
          }
        }
        add(segment + Self.head, 1)
      }
      if small {
        forEachSegment { sum.addUnchecked($0, copies: $1) }
      } else {
        forEachSegment { sum.add($0, copies: $1) }
      }
      return sum
    }
    return try sum.result()
  }

  /// The entry for `key`, created (stem, head and every block 0 priced) if new.
  private mutating func entry(for key: Key, _ configuration: ModelConfiguration) throws(ConfigurationError) -> Int {
    let hash = key.hashValue
    if let entry = index.first(hash: hash, where: { keys[$0] == key }) { return entry }
    // New: price what does not depend on depth and is always present, then index it.
    let builder = try X3DBuilder(configuration)
    var priced = [CostTotals](repeating: CostTotals(), count: Self.segmentsPerEntry)
    var outputs: [TensorShape] = []
    outputs.reserveCapacity(4)
    var shape: TensorShape
    (priced[Self.stem], shape) = try sharedPrice(.stem, builder)
    for stage in 0..<4 {
      (priced[2 + 3 * stage], shape) = try sharedPrice(.block(stage: stage, index: 0, input: shape), builder)
      outputs.append(shape)
    }
    (priced[Self.head], _) = try sharedPrice(.head(input: shape), builder)

    if keys.count >= capacity { removeAll() }
    let entry = index.append(hash: hash)
    keys.append(key)
    segments.append(contentsOf: priced)
    known.append(Self.stemAndHeadKnown | (1 << 2) | (1 << 5) | (1 << 8) | (1 << 11))
    smallCounts.append(priced.allSatisfy(Self.isSmall))
    stageOutputs.append(contentsOf: outputs)
    return entry
  }

  /// Prices the blocks 1 and 2 in `missing` (segment bits) for `entry` (first needed by a deeper configuration).
  @inline(never)
  private mutating func price(_ missing: UInt16, entry: Int, _ configuration: ModelConfiguration)
    throws(ConfigurationError)
  {
    let builder = try X3DBuilder(configuration)
    for stage in 0..<4 {
      for index in 1..<3 {
        let segment = 2 + 3 * stage + index
        guard missing & (1 << segment) != 0 else { continue }
        let input = stageOutputs[4 * entry + stage]
        let (totals, _) = try sharedPrice(.block(stage: stage, index: index, input: input), builder)
        segments[entry * Self.segmentsPerEntry + segment] = totals
        known[entry] |= 1 << segment
        if !Self.isSmall(totals) { smallCounts[entry] = false }
      }
    }
  }

  /// Whether every count of `totals` is in 0..<2^40 (see the combination in ``fastTotals(_:)``).
  static func isSmall(_ totals: CostTotals) -> Bool {
    let limit = UInt(1) << 40
    return [
      totals.macs, totals.convMacs, totals.linearMacs, totals.params, totals.paramsNoBN, totals.bnElements,
      totals.activations, totals.flops, totals.inferencePeakBytes, totals.trainingActivationBytes,
    ].allSatisfy { UInt(bitPattern: $0) < limit }
  }

  /// One segment's totals and output shape: remembered by the segment's own description (``SegmentKey``), so that
  /// configurations that differ elsewhere share it (a later stage reached from several crops, a stem at several
  /// bottleneck factors); else priced by ``price(_:_:)``.
  private mutating func sharedPrice(_ segment: X3DBuilder.Segment, _ builder: X3DBuilder) throws(ConfigurationError)
    -> (CostTotals, TensorShape)
  {
    let key = SegmentKey(segment, builder)
    let hash = key.mixedHash
    if let known = sharedIndex.first(hash: hash, where: { sharedKeys[$0] == key }) { return sharedValues[known] }
    let priced = try price(segment, builder)
    if sharedKeys.count >= sharedCapacity {
      sharedKeys.removeAll(keepingCapacity: true)
      sharedValues.removeAll(keepingCapacity: true)
      sharedIndex.removeAll()
    }
    sharedIndex.append(hash: hash)
    sharedKeys.append(key)
    sharedValues.append(priced)
    return priced
  }

  /// One segment's totals, by the builder and the cost accumulator, and its output shape.
  private func price(_ segment: X3DBuilder.Segment, _ builder: X3DBuilder) throws(ConfigurationError) -> (
    CostTotals, TensorShape
  ) {
    var accumulator = CostAccumulator(elementType: elementType, implementation: builder.configuration.implementation)
    let output = try builder.emit(segment, into: &accumulator)
    return (accumulator.totals, output)
  }

  /// Everything the nodes of one segment depend on (X3DBuilder.emit(_:into:)), so everything its cost depends on: which
  /// segment, the shape it reads, the widths it uses and the implementation variant (the element type is the
  /// evaluator's). Node paths name the stage and block, but they only matter in errors, which are never remembered.
  struct SegmentKey: Hashable {
    /// 0: stem; 1: head; 2 + 3·stage + block index.
    var segment: Int
    var input: TensorShape
    var inWidth = 0
    var width = 0
    var innerWidth = 0
    var squeezeWidth = 0
    var headOutWidth = 0
    var classes = 0
    var poolKernel = Triple.zero
    var implementation: ImplementationVariant

    init(_ segment: X3DBuilder.Segment, _ builder: X3DBuilder) {
      let a = builder.architecture
      implementation = builder.configuration.implementation
      switch segment {
      case .stem:
        self.segment = TotalsEvaluator.stem
        input = builder.inputShape
        width = a.stemWidth
      case .block(let stage, let index, let input):
        self.segment = 2 + 3 * stage + index
        self.input = input
        let s = a.stages[stage]
        inWidth = index > 0 ? s.width : stage == 0 ? a.stemWidth : a.stages[stage - 1].width
        width = s.width
        innerWidth = s.innerWidth
        squeezeWidth = s.squeezeWidth
      case .head(let input):
        self.segment = TotalsEvaluator.head
        self.input = input
        width = a.stages[3].width
        innerWidth = a.headInnerWidth
        headOutWidth = a.headOutWidth
        classes = a.classes
        poolKernel = a.poolKernel
      }
    }

    /// One multiplicative mix of every field.
    var mixedHash: Int {
      var h = HashMix()
      h.add(segment)
      h.add(input.batch)
      h.add(input.channels)
      h.add(input.frames)
      h.add(input.height)
      h.add(input.width)
      h.add(input.isFlat ? 1 : 0)
      h.add(inWidth)
      h.add(width)
      h.add(innerWidth)
      h.add(squeezeWidth)
      h.add(headOutWidth)
      h.add(classes)
      h.add(poolKernel.t)
      h.add(poolKernel.h)
      h.add(poolKernel.w)
      h.add(implementation == .paper ? 0 : implementation == .slowfast ? 1 : 2)
      return h.value
    }

    func hash(into hasher: inout Hasher) { hasher.combine(mixedHash) }
  }

  /// Everything in a configuration that a segment's cost can depend on: all but the depth factor (and the γ
  /// vector, which is only recorded).
  struct Key: Hashable {
    var frames: Int
    var crop: Int
    var testCrop: Int
    var widthFactor: UInt64
    var bottleneckFactor: UInt64
    var classes: Int
    var batch: Int
    var implementation: ImplementationVariant

    @inline(__always)
    init(_ configuration: ModelConfiguration) {
      frames = configuration.frames
      crop = configuration.crop
      testCrop = configuration.testCrop ?? -1
      widthFactor = configuration.widthFactor.bitPattern
      bottleneckFactor = configuration.bottleneckFactor.bitPattern
      classes = configuration.classes
      batch = configuration.batch
      implementation = configuration.implementation
    }

    /// A quick multiplicative mix (the table is private; no adversarial keys).
    @inline(__always)
    var hashValue: Int {
      var h = HashMix()
      h.add(frames)
      h.add(crop)
      h.add(testCrop)
      h.add(widthFactor)
      h.add(bottleneckFactor)
      h.add(classes)
      h.add(batch)
      h.add(implementation == .paper ? 0 : implementation == .slowfast ? 1 : 2)
      return h.value
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hashValue) }
  }

  /// Overflow-checked combination of segment totals. An overflow anywhere makes ``result()`` throw (the caller
  /// then takes the reference path, which names the node).
  struct Sum {
    var totals = CostTotals()
    var overflowed = false

    @inline(__always)
    mutating func add(_ segment: UnsafePointer<CostTotals>, copies: Int) {
      let s = segment.pointee
      var o = overflowed
      totals.convMacs = Self.add(totals.convMacs, s.convMacs, copies, &o)
      totals.linearMacs = Self.add(totals.linearMacs, s.linearMacs, copies, &o)
      totals.params = Self.add(totals.params, s.params, copies, &o)
      totals.paramsNoBN = Self.add(totals.paramsNoBN, s.paramsNoBN, copies, &o)
      totals.bnElements = Self.add(totals.bnElements, s.bnElements, copies, &o)
      totals.activations = Self.add(totals.activations, s.activations, copies, &o)
      totals.flops = Self.add(totals.flops, s.flops, copies, &o)
      totals.trainingActivationBytes = Self.add(
        totals.trainingActivationBytes, s.trainingActivationBytes, copies, &o)
      totals.inferencePeakBytes = Swift.max(totals.inferencePeakBytes, s.inferencePeakBytes)
      overflowed = o
    }

    /// ``add(_:copies:)`` without overflow checks, for counts known to be small enough (see ``fastTotals(_:)``).
    @inline(__always)
    mutating func addUnchecked(_ segment: UnsafePointer<CostTotals>, copies: Int) {
      let s = segment.pointee
      totals.convMacs &+= s.convMacs &* copies
      totals.linearMacs &+= s.linearMacs &* copies
      totals.params &+= s.params &* copies
      totals.paramsNoBN &+= s.paramsNoBN &* copies
      totals.bnElements &+= s.bnElements &* copies
      totals.activations &+= s.activations &* copies
      totals.flops &+= s.flops &* copies
      totals.trainingActivationBytes &+= s.trainingActivationBytes &* copies
      totals.inferencePeakBytes = Swift.max(totals.inferencePeakBytes, s.inferencePeakBytes)
    }

    /// `total + value·copies`, setting `overflow` when the product or the sum does not fit.
    @inline(__always)
    static func add(_ total: Int, _ value: Int, _ copies: Int, _ overflow: inout Bool) -> Int {
      let (product, o1) = value.multipliedReportingOverflow(by: copies)
      let (sum, o2) = total.addingReportingOverflow(product)
      overflow = overflow || o1 || o2
      return sum
    }

    @inline(__always)
    func result() throws(ConfigurationError) -> CostTotals {
      var totals = totals
      let (macs, overflowedMacs) = totals.convMacs.addingReportingOverflow(totals.linearMacs)
      if overflowed || overflowedMacs { throw Self.overflow }
      totals.macs = macs
      return totals
    }

    static let overflow = ConfigurationError.overflow(node: "totals", quantity: "a network sum")
  }
}
