/// Everything the nodes of one ``X3DBuilder/Segment`` depend on (``X3DBuilder/description(of:)``): two segments
/// with equal descriptions emit the same nodes (paths aside), so they cost the same. Fields a slot does not use
/// are zero.
public struct SegmentDescription: Hashable, Sendable {
  /// ``Schedule/position(of:)`` of the segment's slot.
  public var position: Int
  public var input: TensorShape
  public var inWidth = 0
  public var width = 0
  public var innerWidth = 0
  public var squeezeWidth = 0
  public var headOutWidth = 0
  public var classes = 0
  public var poolKernel = Triple.zero
  public var implementation: ImplementationVariant

  public init(position: Int, input: TensorShape, implementation: ImplementationVariant) {
    self.position = position
    self.input = input
    self.implementation = implementation
  }
}
