import X3DModel

/// The kinds of node the roofline gives their own calibrated parameters: nodes of one class share how close they
/// come to peak compute and bandwidth and what a call costs on its own.
///
/// | class | nodes |
/// |---|---|
/// | `stem` | every node of the stem (`s1.*`: 1×3×3 conv on 3 channels, 5×1×1 depthwise, BN, ReLU) |
/// | `pointwise` | 1×1×1 convolutions of the blocks: `branch2.a`, `branch2.c`, the strided shortcut `branch1` |
/// | `depthwise` | the blocks' 3×3×3 depthwise `branch2.b` |
/// | `se` | squeeze-excitation's squeeze path: pool, fc1, its ReLU, fc2, sigmoid (tiny tensors) |
/// | `elementwise` | full-size passes in the blocks: BatchNorm, ReLU, swish, the SE scale, the residual add |
/// | `head` | every node of the head (`conv_5` … `mean`) |
///
/// The input clip is given, not computed: it has no class and is predicted to take no time.
public enum NodeClass: String, CaseIterable, Sendable, Codable, Comparable {
  case stem, pointwise, depthwise, se, elementwise, head

  /// The class of `node`, or nil for the input clip. Decided by the node's path (which module it is) and kind.
  @inline(__always)
  public init?(_ node: LayerNode) {
    // A table lookup, not a switch: predicting a whole report, the switch's indirect jump mispredicted on most rows.
    let entry = Self.byComponent[Int(node.path.component.rawValue)]
    guard entry >= 0 else { return nil }
    self = Self.allCases[Int(entry)]
  }

  /// Per ``Component`` (by raw value), the class's position in ``allCases``, or −1 for none.
  static let byComponent: [Int8] = Component.allCases.map { component in
    Self(component).map { Int8(allCases.firstIndex(of: $0)!) } ?? -1
  }

  /// The class of a node of `component`, or nil for the input clip.
  init?(_ component: Component) {
    switch component {
    case .input:
      return nil
    case .stemConvXY, .stemConvT, .stemNorm, .stemReLU:
      self = .stem
    case .conv5, .conv5Norm, .conv5ReLU, .pool5, .fc1, .fc1ReLU, .fc2, .softmax, .mean:
      self = .head
    case .sePool, .seFC1, .seReLU, .seFC2, .seSigmoid:
      self = .se
    case .a, .c, .shortcut:
      self = .pointwise
    case .b:
      self = .depthwise
    case .shortcutNorm, .aNorm, .aReLU, .bNorm, .seScale, .bSwish, .cNorm, .add, .blockReLU:
      self = .elementwise
    }
  }

  public static func < (a: NodeClass, b: NodeClass) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}
