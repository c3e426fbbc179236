// The portable set: the target's baseline instructions (SSE2 on x86-64, Advanced SIMD on arm64), with every
// multiply and add rounded separately, like the reference loops. Always available.
#pragma STDC FP_CONTRACT OFF
#define X3D_TARGET
#if defined(__x86_64__) || defined(__i386__)
#define X3D_NARROW_REGISTERS 1
#endif
#define X3D_SET_NAME "portable"
#define X3D_SET_TABLE x3d_kernel_set_portable
#include "kernel_body.h"
