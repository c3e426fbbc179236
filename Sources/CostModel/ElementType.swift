/// The element type whose size memory figures are given in.
public enum ElementType: String, CaseIterable, Sendable, Codable {
  case f32, f16, bf16

  /// Bytes per element.
  public var byteCount: Int {
    switch self {
    case .f32: 4
    case .f16, .bf16: 2
    }
  }
}
