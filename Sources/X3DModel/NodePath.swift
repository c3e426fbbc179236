/// The part of the network a node belongs to, for per-stage reports.
public enum StageID: Int, CaseIterable, Hashable, Sendable, Comparable {
  case input = 0
  case stem, res2, res3, res4, res5, head

  public var name: String {
    switch self {
    case .input: "input"
    case .stem: "stem"
    case .res2: "res2"
    case .res3: "res3"
    case .res4: "res4"
    case .res5: "res5"
    case .head: "head"
    }
  }

  /// The residual stage with index 0...3 (res2...res5).
  public static func residual(_ index: Int) -> StageID { StageID(rawValue: StageID.res2.rawValue + index)! }

  public static func < (lhs: StageID, rhs: StageID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A module inside a SlowFast X3D, named exactly as in its `state_dict` and fvcore's `by_module()`.
public enum Component: UInt8, CaseIterable, Hashable, Sendable {
  // Stem (`s1.pathway0_stem.*`).
  case stemConvXY, stemConvT, stemNorm, stemReLU
  // Residual block (`sK.pathway0_resJ.*`).
  case shortcut, shortcutNorm, a, aNorm, aReLU, b, bNorm
  case sePool, seFC1, seReLU, seFC2, seSigmoid, seScale
  case bSwish, c, cNorm, add, blockReLU
  // Head (`head.*`).
  case conv5, conv5Norm, conv5ReLU, pool5, fc1, fc1ReLU, fc2, softmax, mean
  case input

  /// The module name below the stem, block or head.
  public var name: String {
    switch self {
    case .stemConvXY: "conv_xy"
    case .stemConvT: "conv"
    case .stemNorm: "bn"
    case .stemReLU, .blockReLU: "relu"
    case .shortcut: "branch1"
    case .shortcutNorm: "branch1_bn"
    case .a: "branch2.a"
    case .aNorm: "branch2.a_bn"
    case .aReLU: "branch2.a_relu"
    case .b: "branch2.b"
    case .bNorm: "branch2.b_bn"
    case .sePool: "branch2.se.avg_pool"
    case .seFC1: "branch2.se.fc1"
    case .seReLU: "branch2.se.fc1_act"
    case .seFC2: "branch2.se.fc2"
    case .seSigmoid: "branch2.se.fc2_sig"
    case .seScale: "branch2.se"
    case .bSwish: "branch2.b_relu"
    case .c: "branch2.c"
    case .cNorm: "branch2.c_bn"
    case .add: "add"
    case .conv5: "conv_5"
    case .conv5Norm: "conv_5_bn"
    case .conv5ReLU: "conv_5_relu"
    case .pool5: "avg_pool"
    case .fc1: "lin_5"
    case .fc1ReLU: "lin_5_relu"
    case .fc2: "projection"
    case .softmax: "act"
    case .mean: "mean"
    case .input: "input"
    }
  }
}

/// A node's stable path in SlowFast's module naming, e.g. `s2.pathway0_res0.branch2.a`. Residual adds, which are
/// not modules, are named `<block>.add`; the head's mean over positions `head.mean`.
public struct NodePath: Hashable, Sendable, CustomStringConvertible {
  public var stage: StageID
  public var component: Component
  /// The block index, or −1 outside residual stages (32 bits keep the path, and every node, small).
  private var blockIndex: Int32

  public init(stage: StageID, block: Int? = nil, component: Component) {
    self.stage = stage
    self.blockIndex = Int32(block ?? -1)
    self.component = component
  }

  /// Block index within a residual stage; nil outside residual stages.
  public var block: Int? {
    get { blockIndex < 0 ? nil : Int(blockIndex) }
    set { blockIndex = Int32(newValue ?? -1) }
  }

  public var description: String {
    switch stage {
    case .input: "input"
    case .stem: "s1.pathway0_stem." + component.name
    case .head: "head." + component.name
    case .res2, .res3, .res4, .res5:
      "s\(stage.rawValue).pathway0_res\(block ?? 0)." + component.name
    }
  }
}
