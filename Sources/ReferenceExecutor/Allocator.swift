/// Process-wide allocator tuning for the fast backend (Linux/glibc only; a no-op elsewhere).
///
/// A forward pass allocates and frees tensors of several megabytes per node. By default glibc serves such blocks
/// with `mmap` and returns them on `free`, so every node pays for fresh zeroed pages (page faults). Raising the
/// mmap threshold to its 32 MiB maximum and the trim threshold to 1 GiB keeps freed tensors in the heap for reuse.
enum Allocator {
  static let tuned: Bool = {
    #if os(Linux)
      // <malloc.h>: M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3 (the Glibc module does not export mallopt).
      _ = glibcMallopt(-3, 32 << 20)
      _ = glibcMallopt(-1, 1 << 30)
    #endif
    return true
  }()
}

#if os(Linux)
  @_silgen_name("mallopt")
  private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
