import X3DModel

/// The compulsory memory traffic of one node executed on its own: every distinct element it must read (its input
/// tensors, its weights and buffers) and every element it writes, once each, at the element type. What a cache
/// could keep between nodes is not subtracted: this is the traffic of the node in isolation, the denominator of
/// its arithmetic intensity.
///
/// | kind | activation elements read | parameter and buffer elements read | elements written |
/// |---|---|---|---|
/// | input | – | – | `N·3·T·S²` (the clip, materialised once) |
/// | convolution | `N·Cin·Π distinct(n, k, s, p)` (padding taps read nothing) | `Cout·(Cin/g)·kt·kh·kw` (+ `Cout`) | output |
/// | linear | input | `in·out + out` | output |
/// | batch norm | input | `4·C` (γ, β, running mean, running variance) | output |
/// | relu, swish, sigmoid, softmax | input | – | output |
/// | global average pool, position mean | input | – | output |
/// | average pool | `N·C·Π distinct(n, k, 1, 0)` | – | output |
/// | channel scale | input + `N·C` (the gate) | – | output |
/// | residual add | 2 · input | – | output |
///
/// `distinct(n, k, s, p)` is the number of input positions along one axis that some window covers: the windows
/// start at `j·s − p` for `j` in `0..<out`, are `k` long and are clipped to `[0, n)`. When `k ≥ s` they
/// overlap or touch, so it is the one span `[max(0, −p), min(n, (out−1)·s − p + k))`; when `k < s` (a strided 1×1×1
/// shortcut) it is the sum of the clipped windows.
public struct MemoryTraffic: Hashable, Sendable {
  /// Distinct elements of the input tensors read.
  public var activationElementsRead = 0
  /// Distinct weight, bias and BatchNorm (γ, β, mean, variance) elements read.
  public var parameterElementsRead = 0
  /// Elements written to the output tensor.
  public var elementsWritten = 0
  /// Bytes per element.
  public var elementBytes = 4

  public init() {}

  /// `(activation + parameter elements read) · element bytes`.
  public var bytesRead: Int { (activationElementsRead + parameterElementsRead) * elementBytes }
  /// `elements written · element bytes`.
  public var bytesWritten: Int { elementsWritten * elementBytes }
  /// `bytesRead + bytesWritten`.
  public var bytes: Int { bytesRead + bytesWritten }

  /// Arithmetic intensity: `flops / bytes` in FLOPs per byte, with the caller's FLOPs convention (the roofline
  /// uses full FLOPs: 2 per multiply-add plus the elementwise work, ``LayerCost/fullFlops``). Zero when the node
  /// moves no bytes.
  public func arithmeticIntensity(flops: Int) -> Double {
    bytes == 0 ? 0 : Double(flops) / Double(bytes)
  }
}

extension MemoryTraffic {
  /// The traffic of one copy of `node` at `elementType`: the `traffic` lines of ``CostFormulas``' one switch over
  /// node kinds. Every product overflow-checked.
  public static func of(_ node: LayerNode, elementType: ElementType = .f32) throws(ConfigurationError)
    -> MemoryTraffic
  {
    try CostFormulas.costAndTraffic(of: node, elementType: elementType, readsClip: false, gradientSums: 0).traffic
  }

  /// Whether a convolution reads every input position: a "same" convolution at stride 1 (X3D's 1×1×1 and 3×3×3
  /// layers but the strided ones), whose windows cover the input exactly.
  @inline(__always)
  static func readsEveryPosition(_ conv: Convolution) -> Bool {
    conv.stride.t == 1 && conv.stride.h == 1 && conv.stride.w == 1 && conv.kernel.t == 2 * conv.padding.t + 1
      && conv.kernel.h == 2 * conv.padding.h + 1 && conv.kernel.w == 2 * conv.padding.w + 1
  }

  /// The input elements a convolution reads: every position some window covers, `N·Cin·Π distinct(n, k, s, p)`
  /// (all of them where ``readsEveryPosition(_:)``).
  static func positionsRead(by conv: Convolution, _ node: LayerNode, _ checked: Checked) throws(ConfigurationError)
    -> Int
  {
    let shape = node.inputShape
    let out = node.outputShape
    return try checked.product(
      distinct(shape.frames, conv.kernel.t, conv.stride.t, conv.padding.t, out.frames),
      distinct(shape.height, conv.kernel.h, conv.stride.h, conv.padding.h, out.height),
      distinct(shape.width, conv.kernel.w, conv.stride.w, conv.padding.w, out.width),
      try checked.product(shape.batch, shape.channels))
  }

  /// The input elements an average pool (stride 1, no padding) reads: `N·C·Π distinct(n, k, 1, 0)`.
  @inline(__always)
  static func positionsRead(by kernel: Triple, _ node: LayerNode, _ checked: Checked) throws(ConfigurationError)
    -> Int
  {
    let shape = node.inputShape
    let out = node.outputShape
    return try checked.product(
      distinct(shape.frames, kernel.t, 1, 0, out.frames), distinct(shape.height, kernel.h, 1, 0, out.height),
      distinct(shape.width, kernel.w, 1, 0, out.width), try checked.product(shape.batch, shape.channels))
  }

  /// `(bytesRead, bytesWritten)`, overflow-checked.
  @inline(__always)
  func checkedBytes(_ checked: Checked) throws(ConfigurationError) -> (read: Int, written: Int) {
    (
      try checked.product(checked.sum(activationElementsRead, parameterElementsRead), elementBytes),
      try checked.product(elementsWritten, elementBytes)
    )
  }

  /// ``of(_:elementType:)`` given the node's input and output element counts, which the formulas have already
  /// computed. Always inlined: where the builder emits a node of a known kind, the switch folds to that kind's row.
  @inline(__always)
  static func of(_ node: LayerNode, input: Int, output: Int, elementType: ElementType) throws(ConfigurationError)
    -> MemoryTraffic
  {
    let checked = Checked(path: node.path)
    var traffic = MemoryTraffic()
    traffic.elementBytes = elementType.byteCount
    traffic.elementsWritten = output
    let shape = node.inputShape
    let out = node.outputShape
    switch node.kind {
    case .input:
      break
    case .convolution(let conv):
      if conv.stride.t == 1 && conv.stride.h == 1 && conv.stride.w == 1 && conv.kernel.t == 2 * conv.padding.t + 1
        && conv.kernel.h == 2 * conv.padding.h + 1
        && conv.kernel.w == 2 * conv.padding.w + 1
      {
        // A "same" convolution (X3D's 1×1×1 and 3×3×3 at stride 1): every input position is read.
        traffic.activationElementsRead = input
      } else {
        traffic.activationElementsRead = try checked.product(
          distinct(shape.frames, conv.kernel.t, conv.stride.t, conv.padding.t, out.frames),
          distinct(shape.height, conv.kernel.h, conv.stride.h, conv.padding.h, out.height),
          distinct(shape.width, conv.kernel.w, conv.stride.w, conv.padding.w, out.width),
          try checked.product(shape.batch, shape.channels))
      }
      traffic.parameterElementsRead = try checked.sum(
        checked.product(
          checked.product(conv.outChannels, conv.inChannels / conv.groups),
          conv.kernel.volume),
        conv.hasBias ? conv.outChannels : 0)
    case .linear(let linear):
      traffic.activationElementsRead = input
      traffic.parameterElementsRead = try checked.sum(
        checked.product(linear.inFeatures, linear.outFeatures), linear.hasBias ? linear.outFeatures : 0)
    case .batchNorm:
      traffic.activationElementsRead = input
      traffic.parameterElementsRead = try checked.product(4, shape.channels)
    case .relu, .swish, .sigmoid, .softmax, .globalAveragePool, .positionMean:
      traffic.activationElementsRead = input
    case .averagePool(let kernel):
      traffic.activationElementsRead = try checked.product(
        distinct(shape.frames, kernel.t, 1, 0, out.frames), distinct(shape.height, kernel.h, 1, 0, out.height),
        distinct(shape.width, kernel.w, 1, 0, out.width), try checked.product(shape.batch, shape.channels))
    case .channelScale:
      traffic.activationElementsRead = try checked.sum(input, checked.product(shape.batch, shape.channels))
    case .residualAdd:
      traffic.activationElementsRead = try checked.product(2, input)
    }
    return traffic
  }

  /// Input positions along one axis covered by at least one of `outputs` windows of length `kernel` starting at
  /// `j·stride − padding`, clipped to `[0, extent)`.
  @inline(__always)
  static func distinct(_ extent: Int, _ kernel: Int, _ stride: Int, _ padding: Int, _ outputs: Int) -> Int {
    guard outputs > 0, extent > 0 else { return 0 }
    if kernel >= stride {
      let low = max(0, -padding)
      let high = min(extent, (outputs - 1) * stride - padding + kernel)
      return max(0, high - low)
    }
    return disjointWindows(extent, kernel, stride, padding, outputs)
  }

  /// ``distinct(_:_:_:_:_:)`` for windows shorter than their stride (a strided 1×1×1 shortcut): those that lie
  /// wholly inside `[0, extent)` (start ≥ 0 and start + kernel ≤ extent, for `j` in `first...last`) cover `kernel`
  /// positions each; only the few clipped at either end are summed one by one.
  @inline(never)
  static func disjointWindows(_ extent: Int, _ kernel: Int, _ stride: Int, _ padding: Int, _ outputs: Int) -> Int {
    func covered(_ j: Int) -> Int {
      let start = j * stride - padding
      return max(0, min(extent, start + kernel) - max(0, start))
    }
    let first = min(outputs, (padding + stride - 1) / stride)
    let last = min(outputs - 1, extent - kernel + padding < 0 ? -1 : (extent - kernel + padding) / stride)
    guard first <= last else { return (0..<outputs).reduce(0) { $0 + covered($1) } }
    var count = (last - first + 1) * kernel
    for j in 0..<first { count += covered(j) }
    for j in (last + 1)..<outputs { count += covered(j) }
    return count
  }
}
