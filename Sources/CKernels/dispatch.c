// Which kernel sets exist for this architecture, and which the CPU can run.

#include "CKernels.h"

extern const x3d_kernel_set x3d_kernel_set_portable;
#if defined(__x86_64__) || defined(__i386__)
extern const x3d_kernel_set x3d_kernel_set_avx2;

/// AVX2 and FMA reported by the CPU (and, as libgcc and compiler-rt check it, their registers enabled by the OS).
static int cpu_has_avx2_fma(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif
#if defined(__aarch64__)
extern const x3d_kernel_set x3d_kernel_set_neon;
#endif

const x3d_kernel_set *x3d_kernels_named(const char *name) {
  if (name == NULL) return NULL;
  if (__builtin_strcmp(name, "portable") == 0) return &x3d_kernel_set_portable;
#if defined(__x86_64__) || defined(__i386__)
  if (__builtin_strcmp(name, "avx2") == 0) return cpu_has_avx2_fma() ? &x3d_kernel_set_avx2 : NULL;
#endif
#if defined(__aarch64__)
  if (__builtin_strcmp(name, "neon") == 0) return &x3d_kernel_set_neon;
#endif
  return NULL;
}

const x3d_kernel_set *x3d_kernels_best(void) {
#if defined(__x86_64__) || defined(__i386__)
  if (cpu_has_avx2_fma()) return &x3d_kernel_set_avx2;
#endif
#if defined(__aarch64__)
  return &x3d_kernel_set_neon;
#endif
  return &x3d_kernel_set_portable;
}
