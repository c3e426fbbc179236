import X3DModel

/// Totals for many configurations, fast: the sweep path. `evaluator.totals(c)` equals
/// ``CostReport/totals(_:elementType:)`` exactly, errors included, for every configuration.
///
/// A network is its ``Schedule``: distinct segments, each with a number of copies. What a segment costs (every sum,
/// its inference peak with its input live, the bytes training saves for it) depends on the configuration only
/// through its ``SegmentDescription``, never on the depth factor, which sets only how many copies of each distinct
/// block the network holds. The evaluator keeps, per configuration without its depth factor, the cost of each
/// slot, found by running the builder and ``CostAccumulator`` on that segment alone (the formulas stay in
/// ``CostFormulas``), and combines them: Σ copies · segment for summed fields, the largest segment peak for
/// ``CostField/Combination/peak`` fields. The peak is exact because the only tensor live across a segment boundary
/// is the block input (the clip is freed by the stem's first convolution, every block input is freed inside the
/// block, and every other tensor has its readers in its own segment), and a segment starts with that input live.
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

  /// Per held configuration, ``slotCount`` slots in ``Schedule/slots`` order: each slot's totals and output
  /// shape, and which slots are known.
  private var keys: [Key] = []
  private var segments: [CostTotals] = []
  private var outputs: [TensorShape] = []
  private var known: [UInt64] = []
  /// Per held configuration: whether every count of its known segments is below 2^40.
  private var smallCounts: [Bool] = []
  /// Per held configuration: the sum of its ``alwaysPresent`` slots (one copy each), but in each peak field's
  /// lane their largest value.
  private var fixedSums: [CostTotals] = []
  /// Entries by their key's hash.
  private var index: HashIndex
  /// Segment totals and output shapes by segment description, shared between entries; cleared with them, and on
  /// their own when `sharedCapacity` are held (a small table stays in cache: most lookups find nothing, since
  /// configurations share a segment only where they differ in nothing it reads).
  private var sharedKeys: [SegmentDescription] = []
  private var sharedValues: [(CostTotals, TensorShape)] = []
  private var sharedIndex: HashIndex
  /// Shared segments held before that table is cleared.
  public let sharedCapacity: Int

  static var slotCount: Int { Schedule.slotCount }
  /// The slots a configuration always has, one copy each at any depth: the stem, the head and every stage's
  /// block 0. Priced and summed when the entry is made.
  static let alwaysPresent: UInt64 = (0..<slotCount).reduce(0) { mask, position in
    let slot = Schedule.slot(at: position)
    let once = [1, 2, 3, 1 << 20].allSatisfy { blocks in Schedule.copies(of: slot, stageBlocks: { _ in blocks }) == 1 }
    return once ? mask | 1 << position : mask
  }

  /// - Parameters:
  ///   - elementType: the element type memory figures are given in.
  ///   - capacity: how many configurations (without their depth factor) to remember, at about 3 kB each.
  ///   - sharedCapacity: how many segments to remember for sharing between configurations, at about 0.3 kB each.
  public init(elementType: ElementType = .f32, capacity: Int = 1 << 14, sharedCapacity: Int = 1 << 12) {
    precondition(Self.slotCount <= UInt64.bitWidth, "one bit per slot in `known`")
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
    outputs.removeAll(keepingCapacity: true)
    known.removeAll(keepingCapacity: true)
    smallCounts.removeAll(keepingCapacity: true)
    fixedSums.removeAll(keepingCapacity: true)
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
    let blocks = (
      X3DArchitecture.blocks(inStage: 0, depthFactor: depth), X3DArchitecture.blocks(inStage: 1, depthFactor: depth),
      X3DArchitecture.blocks(inStage: 2, depthFactor: depth), X3DArchitecture.blocks(inStage: 3, depthFactor: depth)
    )
    @inline(__always) func stageBlocks(_ stage: Int) -> Int {
      stage == 0 ? blocks.0 : stage == 1 ? blocks.1 : stage == 2 ? blocks.2 : blocks.3
    }
    let fewBlocks = blocks.0 < 1 << 16 && blocks.1 < 1 << 16 && blocks.2 < 1 << 16 && blocks.3 < 1 << 16
    let alwaysPresent = Self.alwaysPresent
    var needed = alwaysPresent
    var dependent = ~alwaysPresent & ((1 << Self.slotCount) - 1)
    while dependent != 0 {
      let position = dependent.trailingZeroBitCount
      dependent &= dependent &- 1
      if Schedule.copies(of: Schedule.slot(at: position), stageBlocks: stageBlocks) > 0 { needed |= 1 << position }
    }
    let missing = needed & ~known[entry]
    if missing != 0 { try price(missing, entry: entry, configuration) }
    // Combine in place: the always-present slots' sum (one copy each, summed when the entry was made), plus
    // Σ copies · segment over the other needed slots, for every lane; then each peak field's largest segment
    // value. When every remembered count of the entry is below 2^40 and every stage has fewer than 2^16 blocks, no
    // product or sum of the few terms can reach 2^63, so wrapping arithmetic gives the exact result; otherwise each
    // product and sum is checked.
    let small = smallCounts[entry] && fewBlocks
    return try segments.withUnsafeBufferPointer { all throws(ConfigurationError) in
      let segment = all.baseAddress! + entry * Self.slotCount
      var sum = fixedSums[entry]
      var peaks = sum
      let peakLanes = CostVector.peakLanes
      var others = needed & ~alwaysPresent
      while others != 0 {
        let position = others.trailingZeroBitCount
        others &= others &- 1
        let copies = Schedule.copies(of: Schedule.slot(at: position), stageBlocks: stageBlocks)
        if small {
          sum.addUnchecked(segment[position], copies: copies)
        } else if !sum.add(segment[position], copies: copies) {
          throw Self.overflow
        }
        peaks.formPeaks(segment[position], lanes: peakLanes)
      }
      if !small && !sum.derivedFieldsFit { throw Self.overflow }
      sum.setPeaks(from: peaks)
      return sum
    }
  }

  /// The entry for `key`, created (the slots every configuration has priced) if new.
  private mutating func entry(for key: Key, _ configuration: ModelConfiguration) throws(ConfigurationError) -> Int {
    let hash = key.hashValue
    if let entry = index.first(hash: hash, where: { keys[$0] == key }) { return entry }
    // New: price what does not depend on depth, in execution order (each slot's source first), then index it.
    let builder = try X3DBuilder(configuration)
    var priced = [CostTotals](repeating: CostTotals(), count: Self.slotCount)
    var shapes = [TensorShape](repeating: builder.inputShape, count: Self.slotCount)
    for position in 0..<Self.slotCount where Self.alwaysPresent & (1 << position) != 0 {
      let slot = Schedule.slot(at: position)
      let input = Schedule.source(of: slot).map { shapes[Schedule.position(of: $0)] } ?? builder.inputShape
      (priced[position], shapes[position]) = try sharedPrice(.init(slot, input: input), builder)
    }

    var fixedSum = CostTotals()
    var fixedPeak = CostTotals()
    for position in 0..<Self.slotCount where Self.alwaysPresent & (1 << position) != 0 {
      guard fixedSum.add(priced[position], copies: 1) else { throw Self.overflow }
      fixedPeak.formPeaks(priced[position], lanes: CostVector.peakLanes)
    }

    if keys.count >= capacity { removeAll() }
    let entry = index.append(hash: hash)
    keys.append(key)
    segments.append(contentsOf: priced)
    outputs.append(contentsOf: shapes)
    known.append(Self.alwaysPresent)
    smallCounts.append(priced.allSatisfy(Self.isSmall))
    fixedSum.setPeaks(from: fixedPeak)
    fixedSums.append(fixedSum)
    return entry
  }

  /// Prices the slots in `missing` for `entry` (first needed by a deeper configuration). Their sources are always
  /// present, so already known.
  @inline(never)
  private mutating func price(_ missing: UInt64, entry: Int, _ configuration: ModelConfiguration)
    throws(ConfigurationError)
  {
    let builder = try X3DBuilder(configuration)
    let base = entry * Self.slotCount
    for position in 0..<Self.slotCount where missing & (1 << position) != 0 {
      let slot = Schedule.slot(at: position)
      let input = Schedule.source(of: slot).map { outputs[base + Schedule.position(of: $0)] } ?? builder.inputShape
      let (totals, output) = try sharedPrice(.init(slot, input: input), builder)
      segments[base + position] = totals
      outputs[base + position] = output
      known[entry] |= 1 << position
      if !Self.isSmall(totals) { smallCounts[entry] = false }
    }
  }

  /// Whether every count of `totals` is in 0..<2^40 (see the combination in ``fastTotals(_:)``).
  static func isSmall(_ totals: CostTotals) -> Bool {
    UInt(bitPattern: totals.largestCount) < UInt(1) << 40
  }

  /// One segment's totals and output shape: remembered by the segment's description, so that configurations that
  /// differ elsewhere share it (a later stage reached from several crops, a stem at several bottleneck factors);
  /// else priced by ``price(_:_:)``.
  private mutating func sharedPrice(_ segment: X3DBuilder.Segment, _ builder: X3DBuilder) throws(ConfigurationError)
    -> (CostTotals, TensorShape)
  {
    let key = builder.description(of: segment)
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
      h.add(implementation.mixValue)
      return h.value
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hashValue) }
  }

  static let overflow = ConfigurationError.overflow(node: "totals", quantity: "a network sum")
}

extension SegmentDescription {
  /// One multiplicative mix of every field.
  var mixedHash: Int {
    var h = HashMix()
    h.add(position)
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
    h.add(implementation.mixValue)
    return h.value
  }
}

extension ImplementationVariant {
  /// A small integer per variant, for ``HashMix``.
  var mixValue: Int {
    switch self {
    case .paper: 0
    case .slowfast: 1
    case .pytorchvideo: 2
    }
  }
}
