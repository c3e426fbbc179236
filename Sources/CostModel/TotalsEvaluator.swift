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
  private var stageOutputs: [TensorShape] = []
  /// Open-addressing hash index into `keys`: entry + 1, 0 for an empty slot.
  private var slots: [Int32]
  private let slotMask: Int

  static let segmentsPerEntry = 14
  static let stem = 0
  static let head = 1
  static let stemAndHeadKnown: UInt16 = 0b11

  /// - Parameters:
  ///   - elementType: the element type memory figures are given in.
  ///   - capacity: how many configurations (without their depth factor) to remember, at about 1.2 kB each.
  public init(elementType: ElementType = .f32, capacity: Int = 1 << 14) {
    self.elementType = elementType
    self.capacity = Swift.max(1, capacity)
    var slotCount = 16
    while slotCount < 2 * self.capacity { slotCount *= 2 }
    slots = Array(repeating: 0, count: slotCount)
    slotMask = slotCount - 1
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
    stageOutputs.removeAll(keepingCapacity: true)
    for slot in slots.indices { slots[slot] = 0 }
  }

  /// The memo path; throws on any failure (the caller then asks the reference path).
  private mutating func fastTotals(_ configuration: ModelConfiguration) throws(ConfigurationError) -> CostTotals {
    let key = Key(configuration)
    let entry = try entry(for: key, configuration)
    var builder: X3DBuilder? = nil
    let base = entry * Self.segmentsPerEntry
    var totals = Sum()
    try totals.add(segments[base + Self.stem], copies: 1)
    for (stage, baseBlocks) in X3DArchitecture.baseBlocks.enumerated() {
      let blocks = WidthRounding.roundRepeats(baseBlocks, depthFactor: configuration.depthFactor)
      for index in 0..<3 {
        let repeats = X3DBuilder.distinctRepeats(blocks: blocks, index: index)
        if repeats == 0 { continue }
        let segment = 2 + 3 * stage + index
        if known[entry] & (1 << segment) == 0 {
          if builder == nil { builder = try X3DBuilder(configuration) }
          try price(block: index, stage: stage, entry: entry, builder!)
        }
        try totals.add(segments[base + segment], copies: repeats)
      }
    }
    try totals.add(segments[base + Self.head], copies: 1)
    return try totals.result()
  }

  /// The entry for `key`, created (stem, head and every block 0 priced) if new.
  private mutating func entry(for key: Key, _ configuration: ModelConfiguration) throws(ConfigurationError) -> Int {
    var slot = key.hashValue & slotMask
    while true {
      let stored = Int(slots[slot])
      if stored == 0 { break }
      if keys[stored - 1] == key { return stored - 1 }
      slot = (slot + 1) & slotMask
    }
    // New: price what does not depend on depth and is always present, then index it.
    let builder = try X3DBuilder(configuration)
    var priced = [CostTotals](repeating: CostTotals(), count: Self.segmentsPerEntry)
    var outputs: [TensorShape] = []
    outputs.reserveCapacity(4)
    var shape: TensorShape
    (priced[Self.stem], shape) = try price(.stem, builder)
    for stage in 0..<4 {
      (priced[2 + 3 * stage], shape) = try price(.block(stage: stage, index: 0, input: shape), builder)
      outputs.append(shape)
    }
    (priced[Self.head], _) = try price(.head(input: shape), builder)

    if keys.count >= capacity {
      removeAll()
      slot = key.hashValue & slotMask
      while slots[slot] != 0 { slot = (slot + 1) & slotMask }
    }
    let entry = keys.count
    keys.append(key)
    segments.append(contentsOf: priced)
    known.append(Self.stemAndHeadKnown | (1 << 2) | (1 << 5) | (1 << 8) | (1 << 11))
    stageOutputs.append(contentsOf: outputs)
    slots[slot] = Int32(entry + 1)
    return entry
  }

  /// Prices block 1 or 2 of `stage` for `entry` (first needed by a deeper configuration).
  private mutating func price(block index: Int, stage: Int, entry: Int, _ builder: X3DBuilder)
    throws(ConfigurationError)
  {
    let input = stageOutputs[4 * entry + stage]
    let segment = 2 + 3 * stage + index
    (segments[entry * Self.segmentsPerEntry + segment], _) = try price(
      .block(stage: stage, index: index, input: input), builder)
    known[entry] |= 1 << segment
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
      var h: UInt64 = 0x9E37_79B9_7F4A_7C15
      @inline(__always) func mix(_ value: UInt64) {
        h = (h ^ value) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 29
      }
      mix(UInt64(bitPattern: Int64(frames)))
      mix(UInt64(bitPattern: Int64(crop)))
      mix(UInt64(bitPattern: Int64(testCrop)))
      mix(widthFactor)
      mix(bottleneckFactor)
      mix(UInt64(bitPattern: Int64(classes)))
      mix(UInt64(bitPattern: Int64(batch)))
      mix(implementation == .paper ? 0 : implementation == .slowfast ? 1 : 2)
      return Int(truncatingIfNeeded: h ^ (h >> 32))
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hashValue) }
  }

  /// Overflow-checked combination of segment totals. Any overflow throws (the caller then takes the reference path,
  /// which names the node).
  struct Sum {
    var totals = CostTotals()

    @inline(__always)
    mutating func add(_ segment: CostTotals, copies: Int) throws(ConfigurationError) {
      try Self.add(&totals.convMacs, segment.convMacs, copies)
      try Self.add(&totals.linearMacs, segment.linearMacs, copies)
      try Self.add(&totals.params, segment.params, copies)
      try Self.add(&totals.paramsNoBN, segment.paramsNoBN, copies)
      try Self.add(&totals.bnElements, segment.bnElements, copies)
      try Self.add(&totals.activations, segment.activations, copies)
      try Self.add(&totals.flops, segment.flops, copies)
      try Self.add(&totals.trainingActivationBytes, segment.trainingActivationBytes, copies)
      totals.inferencePeakBytes = Swift.max(totals.inferencePeakBytes, segment.inferencePeakBytes)
    }

    @inline(__always)
    func result() throws(ConfigurationError) -> CostTotals {
      var totals = totals
      let (macs, overflowed) = totals.convMacs.addingReportingOverflow(totals.linearMacs)
      if overflowed { throw Self.overflow }
      totals.macs = macs
      return totals
    }

    @inline(__always)
    static func add(_ total: inout Int, _ value: Int, _ copies: Int) throws(ConfigurationError) {
      let (product, o1) = value.multipliedReportingOverflow(by: copies)
      let (sum, o2) = total.addingReportingOverflow(product)
      if o1 || o2 { throw overflow }
      total = sum
    }

    static let overflow = ConfigurationError.overflow(node: "totals", quantity: "a network sum")
  }
}
