import X3DModel

/// Which tensor of a layer a parameter slot holds.
public enum ParameterRole: String, Sendable, CaseIterable, Hashable {
  /// Convolution / linear weight, or BatchNorm's γ.
  case weight
  /// Convolution / linear bias, or BatchNorm's β.
  case bias
  /// BatchNorm running mean (a buffer, not a parameter).
  case runningMean = "running_mean"
  /// BatchNorm running variance (a buffer, not a parameter).
  case runningVariance = "running_var"
}

/// One tensor the model needs: the node it belongs to, its role and its PyTorch shape.
public struct ParameterSlot: Hashable, Sendable {
  public var node: Int
  public var path: NodePath
  public var role: ParameterRole
  /// PyTorch's shape: `(Cout, Cin/groups, kt, kh, kw)` for a convolution weight, `(out, in)` for a linear one,
  /// `(C)` for biases and BatchNorm tensors.
  public var shape: [Int]
  /// The module name in pytorchvideo's `create_x3d`, e.g. `blocks.1.res_blocks.0.branch2.conv_a`.
  public var pytorchvideoModule: String

  public var elementCount: Int { shape.reduce(1, *) }

  /// The state-dict key under `naming`.
  public func name(_ naming: WeightNaming) -> String {
    switch naming {
    case .slowfast: path.description + "." + role.rawValue
    case .pytorchvideo: pytorchvideoModule + "." + role.rawValue
    }
  }
}

/// State-dict naming schemes the loader understands.
public enum WeightNaming: String, Sendable, CaseIterable {
  /// facebookresearch/SlowFast: `s1.pathway0_stem.conv_xy.weight`, `s2.pathway0_res0.branch2.a.weight`, …
  case slowfast
  /// pytorchvideo `create_x3d`: `blocks.0.conv.conv_t.weight`, `blocks.1.res_blocks.0.branch2.conv_a.weight`, …
  case pytorchvideo
}

/// The table of every parameter and buffer tensor of a graph, in execution order. It drives allocation (seeded
/// initialisation), loading and the checks on a weights file; the kernels count what they read for themselves.
public struct ParameterLayout: Sendable {
  public let slots: [ParameterSlot]

  public init(_ graph: LayerGraph) {
    var slots: [ParameterSlot] = []
    for node in graph.nodes {
      let module = Self.pytorchvideoModule(node.path)
      func slot(_ role: ParameterRole, _ shape: [Int]) {
        slots.append(
          ParameterSlot(
            node: node.index, path: node.path, role: role, shape: shape, pytorchvideoModule: module)
        )
      }
      switch node.kind {
      case .convolution(let conv):
        slot(
          .weight,
          [
            conv.outChannels, conv.inChannels / conv.groups, conv.kernel.t, conv.kernel.h,
            conv.kernel.w,
          ])
        if conv.hasBias { slot(.bias, [conv.outChannels]) }
      case .linear(let linear):
        slot(.weight, [linear.outFeatures, linear.inFeatures])
        if linear.hasBias { slot(.bias, [linear.outFeatures]) }
      case .batchNorm:
        for role in ParameterRole.allCases { slot(role, [node.inputShape.channels]) }
      case .input, .relu, .swish, .sigmoid, .globalAveragePool, .channelScale, .residualAdd,
        .averagePool, .softmax,
        .positionMean:
        break
      }
    }
    self.slots = slots
  }

  /// pytorchvideo's module name for a node (its stem's `conv_t` is SlowFast's spatial `conv_xy`, and vice versa).
  static func pytorchvideoModule(_ path: NodePath) -> String {
    switch path.stage {
    case .input: return "input"
    case .stem:
      let name: String
      switch path.component {
      case .stemConvXY: name = "conv.conv_t"
      case .stemConvT: name = "conv.conv_xy"
      case .stemNorm: name = "norm"
      default: name = path.component.name
      }
      return "blocks.0." + name
    case .res2, .res3, .res4, .res5:
      let prefix =
        "blocks.\(path.stage.rawValue - StageID.stem.rawValue).res_blocks.\(path.block ?? 0)."
      let name: String
      switch path.component {
      case .shortcut: name = "branch1_conv"
      case .shortcutNorm: name = "branch1_norm"
      case .a: name = "branch2.conv_a"
      case .aNorm: name = "branch2.norm_a"
      case .b: name = "branch2.conv_b"
      case .bNorm: name = "branch2.norm_b.0"  // a Sequential(norm, SE or Identity) in every block
      case .seFC1: name = "branch2.norm_b.1.block.0"
      case .seFC2: name = "branch2.norm_b.1.block.2"
      case .c: name = "branch2.conv_c"
      case .cNorm: name = "branch2.norm_c"
      default: name = path.component.name
      }
      return prefix + name
    case .head:
      let name: String
      switch path.component {
      case .conv5: name = "pool.pre_conv"
      case .conv5Norm: name = "pool.pre_norm"
      case .fc1: name = "pool.post_conv"
      case .fc2: name = "proj"
      default: name = path.component.name
      }
      return "blocks.5." + name
    }
  }
}
