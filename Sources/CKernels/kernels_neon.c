// The neon set (arm64): Advanced SIMD is part of the AArch64 baseline, so no target attribute is needed; `acc + a·b`
// becomes one fmla. The default on arm64.
#if defined(__aarch64__)
#pragma STDC FP_CONTRACT ON
#define X3D_TARGET
#define X3D_SET_NAME "neon"
#define X3D_SET_TABLE x3d_kernel_set_neon
#include "kernel_body.h"
#endif
