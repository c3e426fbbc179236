import X3DModel

/// What running one node did, as its kernel and the executor's memory accounting observed it.
public struct NodeTally: Sendable, Equatable {
  public var index: Int
  public var path: NodePath
  /// The shape of the tensor the kernel produced.
  public var outputShape: TensorShape
  /// Multiply-adds executed (padding taps included).
  public var macs = 0
  /// Learnable parameters read (BatchNorm γ and β included; running statistics are buffers).
  public var parameterCount = 0
  /// Buffer elements read (BatchNorm running statistics).
  public var bufferCount = 0
  /// Elements written to the node's output.
  public var outputElements = 0
  /// Output elements of convolutions and linear layers (fvcore's "activations"); zero for other kinds.
  public var activationCount = 0
  /// Bytes of all tensors held while the node ran: live inputs and earlier outputs still awaiting a reader, plus
  /// this node's output.
  public var liveBytes = 0
  /// Bytes of the distinct input-tensor, parameter and buffer elements the kernel read, at 4 bytes an element.
  /// Counted by the reference kernels; the fast kernels count parameters and buffers but not their activation reads.
  public var bytesRead = 0
  /// Bytes of the elements written to the output, at 4 bytes an element.
  public var bytesWritten = 0
  /// Wall time of the kernel.
  public var nanoseconds: UInt64 = 0
}

/// The tally of one forward pass: a row per node in execution order and the peak of live bytes.
public struct ExecutionTally: Sendable {
  public var nodes: [NodeTally] = []
  /// The largest ``NodeTally/liveBytes`` over the pass.
  public var peakLiveBytes = 0
  /// Whether the kernels counted the activation elements they read, so that ``NodeTally/bytesRead`` is the node's
  /// whole compulsory traffic (the reference backend); the fast kernels count weights and outputs only.
  public var countsActivationReads = false

  public var macs: Int { nodes.reduce(0) { $0 + $1.macs } }
  public var parameterCount: Int { nodes.reduce(0) { $0 + $1.parameterCount } }
  public var activationCount: Int { nodes.reduce(0) { $0 + $1.activationCount } }
  public var bytesRead: Int { nodes.reduce(0) { $0 + $1.bytesRead } }
  public var bytesWritten: Int { nodes.reduce(0) { $0 + $1.bytesWritten } }
  public var nanoseconds: UInt64 { nodes.reduce(0) { $0 + $1.nanoseconds } }
}

/// Where a NaN or infinity first appeared in a forward pass.
public struct NonFiniteReport: Sendable, Equatable, CustomStringConvertible {
  /// The node whose output first held one (`input` when the clip itself does).
  public var node: String
  public var coordinates: [Int]
  public var value: Float

  public var description: String {
    "\(value) first appears in the output of \(node) at (\(coordinates.map(String.init).joined(separator: ", ")))"
  }
}
