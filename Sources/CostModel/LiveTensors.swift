/// One tensor a liveness tracker holds: the node that produced it, its bytes, how many copies of it the network
/// holds (``LayerNode/repeatCount``), the readers still to run, and whether autograd saves it.
struct LiveTensor {
  var index: Int
  var bytes: Int
  var copies: Int
  var readersLeft: Int
  var saved: Bool

  static let empty = LiveTensor(index: -1, bytes: 0, copies: 0, readersLeft: 0, saved: false)
}

/// The tensors a liveness tracker holds at one point of the execution order, without allocating.
///
/// X3D never holds more than a handful of tensors at once (a block's input, its shortcut, the squeeze-excitation
/// input and gate), so they live in inline storage; a graph that holds more moves them all to an array, once.
/// Readers find their inputs by producing node, newest first (an input is almost always one of the last tensors
/// produced). Removal swaps the last tensor into the gap: order carries no meaning.
struct LiveTensors {
  static let inlineCapacity = 8
  private var storage:
    (LiveTensor, LiveTensor, LiveTensor, LiveTensor, LiveTensor, LiveTensor, LiveTensor, LiveTensor) =
      (
        .empty, .empty, .empty, .empty, .empty, .empty, .empty, .empty
      )
  /// Every tensor, once more than ``inlineCapacity`` were live at the same time (then `storage` is unused).
  private var spilled: [LiveTensor] = []
  /// Whether the tensors are in `spilled` (tested first, so inline storage costs no array access).
  private var isSpilled = false
  private(set) var count = 0

  init() {}

  @inline(__always)
  private mutating func withStorage<R>(_ body: (UnsafeMutablePointer<LiveTensor>) -> R) -> R {
    withUnsafeMutablePointer(to: &storage) {
      $0.withMemoryRebound(to: LiveTensor.self, capacity: Self.inlineCapacity, body)
    }
  }

  @inline(__always)
  mutating func append(_ tensor: LiveTensor) {
    let count = count
    if count < Self.inlineCapacity && !isSpilled {
      withStorage { $0[count] = tensor }
    } else {
      spill()
      spilled.append(tensor)
    }
    self.count = count + 1
  }

  /// Where the tensor produced by node `index` is, or nil if it is not live.
  @inline(__always)
  mutating func position(of index: Int) -> Int? {
    if isSpilled { return spilled.lastIndex { $0.index == index } }
    let count = count
    return withStorage { tensors in
      var position = count - 1
      while position >= 0 {
        if tensors[position].index == index { return position }
        position -= 1
      }
      return nil
    }
  }

  subscript(position: Int) -> LiveTensor {
    @inline(__always) mutating get {
      if isSpilled { return spilled[position] }
      return withStorage { $0[position] }
    }
    @inline(__always) set {
      if isSpilled {
        spilled[position] = newValue
      } else {
        withStorage { $0[position] = newValue }
      }
    }
  }

  /// Removes and returns the tensor at `position`; the last tensor takes its place.
  @inline(__always)
  mutating func remove(at position: Int) -> LiveTensor {
    count -= 1
    if isSpilled {
      spilled.swapAt(position, count)
      return spilled.removeLast()
    }
    let last = count
    return withStorage { tensors in
      let tensor = tensors[position]
      tensors[position] = tensors[last]
      return tensor
    }
  }

  /// Calls `body` on every live tensor.
  /// `Σ transform(tensor)` over the live tensors, reading them in place.
  @inline(__always)
  func sum(_ transform: (LiveTensor) -> Int) -> Int {
    if isSpilled { return spilled.reduce(0) { $0 + transform($1) } }
    return withUnsafeBytes(of: storage) { raw in
      let tensors = raw.assumingMemoryBound(to: LiveTensor.self)
      var total = 0
      for position in 0..<count { total += transform(tensors[position]) }
      return total
    }
  }

  private mutating func spill() {
    guard !isSpilled else { return }
    let count = count
    spilled = withStorage { Array(UnsafeBufferPointer(start: $0, count: count)) }
    isSpilled = true
  }

  /// Gives the tensor produced by node `from` the index `to` and `readers` readers still to come.
  @inline(__always)
  mutating func relabel(_ from: Int, as to: Int, readers: Int) {
    guard let position = position(of: from) else { return }
    var tensor = self[position]
    tensor.index = to
    tensor.readersLeft = readers == 0 ? Int.max : readers
    self[position] = tensor
  }
}
