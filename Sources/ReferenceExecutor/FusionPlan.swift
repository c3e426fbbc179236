import X3DModel

/// Chains of nodes a fusing backend runs as one kernel (``FusingBackend``), prepared once per graph and weights.
///
/// A group is a producer and the nodes it absorbs, each the only reader of the one before:
///
/// ```
/// convolution ─► [BatchNorm] ─► [ReLU | Swish]                      (at least one of the two)
/// convolution ─► [BatchNorm] ─► residual add (+ other input) ─► [ReLU]
/// channel scale (x, gate) ─► Swish ─► 1×1×1 convolution ─► …                 (the conv's chain as above, or alone)
/// channel scale (x, gate) ─► Swish                                          (when no such convolution follows)
/// ```
///
/// A BatchNorm is folded into the convolution at load time (inference): with `s = γ/√(var + ε)`,
/// `w'[co] = w[co]·s[co]` and `b'[co] = (b[co] − mean[co])·s[co] + β[co]` (`b = 0` without a bias). The activation
/// and the residual add become the producing kernel's epilogue; a leading channel scale and Swish its input transform
/// (`x' = swish(x·gate[n, c])`, applied as the 1×1×1 kernel copies its panels). Every external input of a group is a tensor the
/// walk materialises (a node outside every group, or a group's last node).
public struct FusionPlan: Sendable {
  public var groups: [FusedGroup]
  /// Node index → index into ``groups``.
  public var groupOf: [Int: Int]

  /// The groups of `graph` whose weights are present and of the right sizes (a node whose weights do not fit stays
  /// unfused, so the executor reports it as it would without fusion).
  public init(_ graph: LayerGraph, _ weights: ModelWeights) {
    var readers = [[Int]](repeating: [], count: graph.nodes.count)
    for node in graph.nodes { for source in node.inputs { readers[source].append(node.index) } }
    var groups: [FusedGroup] = []
    var groupOf: [Int: Int] = [:]
    /// The one node reading `index`, unless an earlier group has absorbed it.
    func onlyReader(_ index: Int) -> LayerNode? {
      readers[index].count == 1 && groupOf[readers[index][0]] == nil ? graph.nodes[readers[index][0]] : nil
    }
    for node in graph.nodes where groupOf[node.index] == nil {
      guard var group = Self.group(at: node, graph, weights, onlyReader) else { continue }
      // External inputs must be materialised: not inside an earlier group unless its last node.
      let external = group.inputs.allSatisfy { source in
        guard let g = groupOf[source] else { return true }
        return groups[g].members.last == source
      }
      guard external, group.members.allSatisfy({ groupOf[$0] == nil }) else { continue }
      group.index = groups.count
      for member in group.members { groupOf[member] = groups.count }
      groups.append(group)
    }
    self.groups = groups
    self.groupOf = groupOf
  }

  /// The group that starts at `node`, or nil.
  static func group(
    at node: LayerNode, _ graph: LayerGraph, _ weights: ModelWeights, _ onlyReader: (Int) -> LayerNode?
  ) -> FusedGroup? {
    switch node.kind {
    case .convolution:
      return convolutionGroup(at: node, weights, onlyReader, alone: false)
    case .channelScale:
      guard let swish = onlyReader(node.index), swish.kind == .swish, let x = node.inputs.first,
        let gate = node.inputs.second
      else { return nil }
      if let next = onlyReader(swish.index), case .convolution(let conv) = next.kind, conv.kernel == .one,
        conv.groups == 1, conv.padding == .zero, conv.stride == .one,
        var group = convolutionGroup(at: next, weights, onlyReader, alone: true)
      {
        group.members = [node.index, swish.index] + group.members
        group.roles = [.inputScale, .inputActivation] + group.roles
        group.inputs = [x, gate] + group.inputs.dropFirst()
        group.inputActivation = .swish
        return group
      }
      return FusedGroup(
        members: [node.index, swish.index], roles: [.producer, .activation], producer: .channelScale,
        inputs: [x, gate], residual: nil, activation: .swish)
    case .input, .batchNorm, .relu, .swish, .sigmoid, .globalAveragePool, .residualAdd, .averagePool, .linear,
      .softmax, .positionMean:
      return nil
    }
  }

  /// The group of convolution `node` and the BatchNorm, activation and residual add after it; nil when it absorbs
  /// nothing, unless `alone` (a convolution that is itself absorbed by a leading input transform).
  static func convolutionGroup(
    at node: LayerNode, _ weights: ModelWeights, _ onlyReader: (Int) -> LayerNode?, alone: Bool
  ) -> FusedGroup? {
    guard case .convolution(let conv) = node.kind else { return nil }
    guard let input = node.inputs.first,
      let weight = weights.tensor(node: node.index, .weight),
      weight.count == conv.outChannels * (conv.inChannels / max(1, conv.groups)) * conv.kernel.volume
    else { return nil }
    var bias: [Float]? = nil
    if conv.hasBias {
      guard let b = weights.tensor(node: node.index, .bias), b.count == conv.outChannels else { return nil }
      bias = b
    }
    var roles: [FusedGroup.Role] = [.producer]
    var members = [node.index]
    var last = node.index
    var folded = LayerWeights(weight: weight, bias: bias)
    if let norm = onlyReader(last), case .batchNorm = norm.kind,
      let fold = BatchNormFolding(weights, node: norm.index, channels: conv.outChannels)
    {
      folded = fold.apply(to: folded, channels: conv.outChannels)
      roles.append(.batchNorm(channels: conv.outChannels))
      members.append(norm.index)
      last = norm.index
    }
    var activation = FusedGroup.Activation.none
    var residual: Int? = nil
    if let next = onlyReader(last) {
      switch next.kind {
      case .relu, .swish:
        activation = next.kind == .relu ? .relu : .swish
        roles.append(.activation)
        members.append(next.index)
      case .residualAdd:
        guard let other = next.inputs.first(where: { $0 != last }), next.inputs.count == 2 else { break }
        residual = other
        roles.append(.residualAdd)
        members.append(next.index)
        if let relu = onlyReader(next.index), relu.kind == .relu {
          activation = .relu
          roles.append(.activation)
          members.append(relu.index)
        }
      default: break
      }
    }
    guard members.count > 1 || alone else { return nil }
    return FusedGroup(
      members: members, roles: roles,
      producer: .convolution(conv, folded, parameters: weight.count + (bias?.count ?? 0)),
      inputs: [input] + (residual.map { [$0] } ?? []), residual: residual, activation: activation)
  }
}

/// One chain of nodes run as one kernel (see ``FusionPlan``).
public struct FusedGroup: Sendable {
  /// What a member node is to the group.
  public enum Role: Sendable, Equatable {
    /// The channel scale `x·gate` of the producer's input transform (output: the producer's input shape).
    case inputScale
    /// The activation of the producer's input transform.
    case inputActivation
    case producer
    case batchNorm(channels: Int)
    case residualAdd
    case activation
  }

  /// The kernel that produces the group's tensor.
  public enum Producer: Sendable {
    /// The convolution with any BatchNorm folded into `weights`; `parameters`: the weight and bias elements of the
    /// convolution as the graph has it (what its node counts).
    case convolution(Convolution, LayerWeights, parameters: Int)
    /// `x · gate` (inputs `x`, `gate`).
    case channelScale
  }

  /// Applied to each output after the residual add (the C kernels' `X3D_ACTIVATION_*`).
  public enum Activation: Int32, Sendable {
    case none = 0
    case relu = 1
    case swish = 2
  }

  /// Node indices in execution order: the producer first, the node whose output the group materialises last.
  public var members: [Int]
  /// One per member.
  public var roles: [Role]
  public var producer: Producer
  /// External inputs, by node index: the producer's inputs (with an input transform: `x`, then the gate), then the
  /// residual add's other input.
  public var inputs: [Int]
  /// The residual add's other input, if the group absorbs one.
  public var residual: Int?
  public var activation: Activation
  /// With an input transform (the group starts `.inputScale`, `.inputActivation`): its activation, applied to
  /// `x·gate[n, c]` before the convolution reads it; nil without one.
  public var inputActivation: Activation? = nil
  /// Position in ``FusionPlan/groups``.
  public var index = 0
}
