// Eight float lanes as a GCC/Clang vector type, and the few operations the kernels need.
//
// Included by kernel_body.h, once per kernel set, after the set's file has defined X3D_TARGET (the target
// attribute of every function, empty for the portable set). The vector type is target independent: the compiler
// lowers it to one AVX register in an avx2 function, two SSE or NEON registers elsewhere.
#ifndef X3D_VECTOR8_H
#define X3D_VECTOR8_H

#include <stddef.h>

// Helpers pass vectors by value; they are always inlined, so the AVX calling convention never applies.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float v8 __attribute__((vector_size(32)));
typedef int v8i __attribute__((vector_size(32)));

#define X3D_INLINE static inline __attribute__((always_inline)) X3D_TARGET
#define X3D_KERNEL static X3D_TARGET

/// Eight consecutive floats from any address.
X3D_INLINE v8 load8(const float *p) {
  v8 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

X3D_INLINE void store8(float *p, v8 v) { __builtin_memcpy(p, &v, sizeof v); }

/// Copies `n` (≤ 8) floats in pieces of fixed size (4, 2, 1), so no call to `memcpy` is made for a row's tail.
X3D_INLINE void copy_upto8(float *target, const float *source, ptrdiff_t n) {
  ptrdiff_t i = 0;
  if (n >= 8) {
    __builtin_memcpy(target, source, 8 * sizeof(float));
    return;
  }
  if (n - i >= 4) {
    __builtin_memcpy(target + i, source + i, 4 * sizeof(float));
    i += 4;
  }
  if (n - i >= 2) {
    __builtin_memcpy(target + i, source + i, 2 * sizeof(float));
    i += 2;
  }
  if (n - i >= 1) target[i] = source[i];
}

/// Copies `n` floats eight at a time, inline (a short row through `memcpy` costs a library call per row).
X3D_INLINE void copy_floats(float *target, const float *source, ptrdiff_t n) {
  ptrdiff_t i = 0;
  for (; i + 8 <= n; i += 8) __builtin_memcpy(target + i, source + i, 8 * sizeof(float));
  copy_upto8(target + i, source + i, n - i);
}

/// The first `n` (< 8) floats, the other lanes zero.
X3D_INLINE v8 load_partial(const float *p, ptrdiff_t n) {
  float lanes[8] = {0};
  copy_upto8(lanes, p, n);
  return load8(lanes);
}

/// Stores the first `n` (≤ 8) lanes.
X3D_INLINE void store_partial(float *p, v8 v, ptrdiff_t n) {
  float lanes[8];
  store8(lanes, v);
  copy_upto8(p, lanes, n);
}

X3D_INLINE v8 splat(float s) { return (v8){s, s, s, s, s, s, s, s}; }

/// `acc + a·b`: one fused multiply-add where the set's file allows contraction (avx2, neon), a multiply and an
/// add rounded separately where it does not (portable).
X3D_INLINE v8 madd(v8 acc, v8 a, v8 b) { return acc + a * b; }

/// Lane by lane, `mask ? a : b` (mask lanes all ones or all zeros, as comparisons produce them).
X3D_INLINE v8 select8(v8i mask, v8 a, v8 b) { return (v8)(((v8i)a & mask) | ((v8i)b & ~mask)); }

/// Lanes 0…7 added in order.
X3D_INLINE float sum8(v8 v) {
  float lanes[8];
  store8(lanes, v);
  float total = 0;
  for (int lane = 0; lane < 8; lane++) total += lanes[lane];
  return total;
}

/// `eˣ` per lane, Cephes' `expf`: range reduction by ln 2, degree-6 polynomial, exponent built from bits; about
/// 2 ulp on [−87.3, 88.3], inputs clamped there.
X3D_INLINE v8 exp8(v8 input) {
  const v8 lowest = splat(-87.3f), highest = splat(88.3f);
  v8 x = select8(input < lowest, lowest, input);
  x = select8(x > highest, highest, x);
  const v8 magic = splat(12582912.0f);  // 1.5·2²³: adding it rounds to an integer held in the low mantissa bits
  v8 shifted = x * splat(1.44269504f) + magic;
  v8 n = shifted - magic;
  v8 r = x - n * splat(0.693359375f) - n * splat(-2.12194440e-4f);
  v8 p = splat(1.9875691500e-4f);
  p = madd(splat(1.3981999507e-3f), p, r);
  p = madd(splat(8.3334519073e-3f), p, r);
  p = madd(splat(4.1665795894e-2f), p, r);
  p = madd(splat(1.6666665459e-1f), p, r);
  p = madd(splat(5.0000001201e-1f), p, r);
  p = p * (r * r) + r + splat(1.0f);
  v8i exponent = (((v8i)shifted - 0x4B400000) + 127) << 23;
  return p * (v8)exponent;
}

X3D_INLINE v8 sigmoid8(v8 x) { return splat(1.0f) / (splat(1.0f) + exp8(-x)); }

/// `x·σ(x)` as `x / (1 + e^−x)`: one division, no multiply after it.
X3D_INLINE v8 swish8(v8 x) { return x / (splat(1.0f) + exp8(-x)); }

#endif
