import X3DModel

/// A backend that runs chains of nodes as one kernel (``FusionPlan``). The executor still walks every node in
/// order and keeps one tally row per node: a group's rows carry the counts of the nodes it absorbed, as its kernel
/// reports them, and the live bytes of the unfused walk (each absorbed node's output counted as if it had been
/// allocated), so the tally and the inference peak equal the unfused ones. The group's time goes to its first
/// node's row.
public protocol FusingBackend: ExecutionBackend {
  /// The groups this backend fuses in `graph` (weights folded once here).
  func fusionPlan(_ graph: LayerGraph, _ weights: ModelWeights) -> FusionPlan
  /// Runs `group` on its external inputs (in ``FusedGroup/inputs`` order); returns the last member's output and
  /// one counter per member (``FusedGroup/members`` order).
  func runFused(_ group: FusedGroup, _ inputs: [Tensor]) -> (Tensor, [KernelCounter])
}
