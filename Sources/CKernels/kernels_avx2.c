// The avx2 set (x86-64): every function compiled for AVX2 and FMA by its own target attribute, so the rest of the
// program stays baseline x86-64; `acc + a·b` becomes one vfmadd. Chosen at run time only when the CPU has both.
#if defined(__x86_64__) || defined(__i386__)
#pragma STDC FP_CONTRACT ON
#define X3D_TARGET __attribute__((target("avx2,fma")))
#define X3D_SET_NAME "avx2"
#define X3D_SET_TABLE x3d_kernel_set_avx2
#include "kernel_body.h"
#endif
