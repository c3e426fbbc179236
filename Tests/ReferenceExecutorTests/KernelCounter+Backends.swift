import ReferenceExecutor

extension KernelCounter {
  /// The counts every backend keeps: the fast kernels do not count their activation reads (only the reference
  /// kernels, whose tally `verify` uses, do), so comparisons between backends leave them out.
  var withoutActivationReads: KernelCounter {
    var counts = self
    counts.activationElementsRead = 0
    return counts
  }
}
