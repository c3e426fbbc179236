/// CKernels: the fast backend's hot loops, in plain C, compiled once per instruction set and chosen at run time.
///
/// Every kernel set has the same functions with the same signatures (a table of function pointers); the sets
/// differ only in how they are compiled:
///   - "portable": the target's baseline (SSE2 on x86-64, Advanced SIMD on arm64, plain scalar code elsewhere),
///     multiply and add rounded separately (no contraction); always available.
///   - "avx2": x86-64 only, each function compiled with `__attribute__((target("avx2,fma")))`; one fused
///     multiply-add per `acc + a·b`. Offered when the CPU reports AVX2 and FMA (`__builtin_cpu_supports`).
///   - "neon": arm64 only (`__aarch64__`), Advanced SIMD with fused multiply-adds (`fmla`).
///
/// Buffers are float32, channel-first rows as in ReferenceExecutor's Tensor; sizes are element counts. The
/// kernels compute and never count: the Swift caller counts from the loop bounds it hands them.
#ifndef X3D_CKERNELS_H
#define X3D_CKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The padded-plane geometry of a small dense or depthwise convolution (see DirectConvolution.swift).
typedef struct x3d_direct_geometry {
  /// Input plane `T × H × W` and the padding along each axis.
  ptrdiff_t in_frames, in_height, in_width;
  ptrdiff_t pad_t, pad_h, pad_w;
  /// Kernel extents and the strides along H and W (W: 1 or 2; T: 1).
  ptrdiff_t kernel_t, kernel_h, kernel_w;
  ptrdiff_t stride_h, stride_w;
  /// Output plane `T × H × W`.
  ptrdiff_t out_frames, out_height, out_width;
  /// Padded volume: rows per frame and floats per row (row length includes 8 floats of slack); for stride 2 the
  /// odd columns of a row start at `odd_offset`.
  ptrdiff_t padded_rows, row_length, odd_offset;
} x3d_direct_geometry;

/// Blocks of 16 positions per panel group of `pointwise_blocks` and `pointwise_fused`: their `panel` scratch holds
/// cin × 16 × X3D_POINTWISE_PANEL_BLOCKS floats.
#define X3D_POINTWISE_PANEL_BLOCKS 16

/// The activation a fused kernel applies to each output before storing it.
enum {
  X3D_ACTIVATION_NONE = 0,
  /// `max(v, 0)` (NaN stays NaN)
  X3D_ACTIVATION_RELU = 1,
  /// `v·σ(v)`
  X3D_ACTIVATION_SWISH = 2,
};

/// One instruction set's kernels.
typedef struct x3d_kernel_set {
  /// "portable", "avx2" or "neon".
  const char *name;

  /// 1×1×1 convolution `y[co][p] = bias[co] + Σ_ci w[co][ci]·x[ci][p]` over the column blocks
  /// `[first_block, end_block)` of 16 positions. `x`: cin × positions; `y`: cout × positions; `w`: cout × cin;
  /// `bias`: cout or NULL; `panel`: scratch of cin × 16 × X3D_POINTWISE_PANEL_BLOCKS floats.
  void (*pointwise_blocks)(const float *x, const float *w, const float *bias, float *y,
                           ptrdiff_t cin, ptrdiff_t cout, ptrdiff_t positions, ptrdiff_t first_block,
                           ptrdiff_t end_block, float *panel);
  /// 1×1×1 convolution at few positions, rows `[first_row, end_row)`: `y[co][p] = bias[co] + w[co]·columns[p]`.
  /// `columns`: positions × cin (the input transposed); `w`: cout × cin; `y`: cout × positions.
  void (*pointwise_dots)(const float *columns, const float *w, const float *bias, float *y, ptrdiff_t cin,
                         ptrdiff_t positions, ptrdiff_t first_row, ptrdiff_t end_row);

  /// Copies one input plane (in_frames × in_height × in_width) into the interior of a padded volume of
  /// `(in_frames + 2·pad_t) × padded_rows × row_length` floats (stride 2: each row split into even and odd columns).
  /// Only interior positions are written, the same ones for every plane: zero the volume once, then reuse it.
  void (*direct_pad)(const x3d_direct_geometry *g, const float *plane, float *padded);
  /// Adds the windows of one padded channel weighted by `kernel` (kernel_t·kernel_h·kernel_w taps) to the output
  /// plane `out` (accumulate ≠ 0), or writes them plus `start` (accumulate = 0). Every tap runs, padding included.
  void (*direct_apply)(const x3d_direct_geometry *g, const float *padded, const float *kernel, float *out, float start,
                       int accumulate);

  /// Depthwise 3×3×3 convolution, stride 1, padding 1, eight channels per vector (for narrow planes, where rows
  /// of W positions would leave lanes idle), then `activation` (X3D_ACTIVATION_*) on each output. Items
  /// `[first_item, end_item)` are (sample, group of 8 channels) pairs, `item = n·⌈C/8⌉ + group`. `x`, `y`:
  /// N × C × T × H × W; `w`: C × 27; `bias`: C or NULL; `scratch`: 8·((T+2)(H+2)(W+2) + T·H·W) floats.
  void (*interleaved_depthwise)(const float *x, const float *w, const float *bias, float *y, ptrdiff_t channels,
                                ptrdiff_t frames, ptrdiff_t height, ptrdiff_t width, ptrdiff_t first_item,
                                ptrdiff_t end_item, float *scratch, int activation);

  /// `y[i] = x[i]·a + b` (BatchNorm folded to a scale and a shift).
  void (*affine)(const float *x, float *y, ptrdiff_t count, float a, float b);
  /// `y[i] = x[i]·a` (the squeeze-excitation gate).
  void (*scale)(const float *x, float *y, ptrdiff_t count, float a);
  /// `y[i] = x[i] < 0 ? 0 : x[i]` (NaN stays NaN).
  void (*relu)(const float *x, float *y, ptrdiff_t count);
  /// `y[i] = x[i]·σ(x[i])`, σ from a vectorised Cephes `expf` (about 2 ulp on [−87, 88], inputs clamped there).
  void (*swish)(const float *x, float *y, ptrdiff_t count);
  /// `y[i] = σ(x[i]) = 1/(1 + e^−x[i])`.
  void (*sigmoid)(const float *x, float *y, ptrdiff_t count);
  /// `y[i] = a[i] + b[i]`.
  void (*add)(const float *a, const float *b, float *y, ptrdiff_t count);
  /// `Σ x[i]`, eight partial sums then the tail.
  float (*sum)(const float *x, ptrdiff_t count);

  /// `pointwise_blocks` with an epilogue on every output, in registers before the store: plus `residual[co][p]`
  /// (same layout as `y`; NULL for none), then `activation` (X3D_ACTIVATION_*). A BatchNorm folded into `w` and
  /// `bias` makes this conv → BatchNorm → ReLU/Swish, or conv → BatchNorm → residual add → ReLU, in one pass.
  void (*pointwise_fused)(const float *x, const float *w, const float *bias, float *y,
                          ptrdiff_t cin, ptrdiff_t cout, ptrdiff_t positions, ptrdiff_t first_block,
                          ptrdiff_t end_block, float *panel, const float *residual, int activation);
  /// `pointwise_fused` on a transformed input: each input value is first multiplied by `in_scale[ci]` (cin floats,
  /// NULL for none), then passed through `in_activation` (X3D_ACTIVATION_*), as the panel is copied. With a
  /// squeeze-excitation gate as `in_scale` and X3D_ACTIVATION_SWISH this is SE scale → Swish → conv in one pass.
  void (*pointwise_transformed)(const float *x, const float *w, const float *bias, float *y, ptrdiff_t cin,
                                ptrdiff_t cout, ptrdiff_t positions, ptrdiff_t first_block, ptrdiff_t end_block,
                                float *panel, const float *residual, int activation, const float *in_scale,
                                int in_activation);
  /// In place, `y[i] = act(y[i] + residual[i])` (`residual` NULL: `act(y[i])`), for kernels without an epilogue.
  void (*epilogue)(float *y, const float *residual, ptrdiff_t count, int activation);
  /// `y[i] = x[i]·a·σ(x[i]·a)`: the squeeze-excitation gate and the Swish after it in one pass.
  void (*scale_swish)(const float *x, float *y, ptrdiff_t count, float a);
  /// Depthwise 3×3×3 (T stride 1; H and W stride 1 or 2) on one padded plane of `direct_pad`, blocked for
  /// registers (four output rows × 16 outputs a step, see depthwise.h); writes `out` (`start` = the bias) through
  /// `activation`. Every tap runs, padding included.
  void (*depthwise_333)(const x3d_direct_geometry *g, const float *padded, const float *kernel, float *out,
                        float start, int activation);
  /// Dense convolution (groups 1; T stride 1, H and W stride 1 or 2) on the padded planes of `direct_pad`, one per
  /// input channel, `volume` floats apart, as register-tiled matrix products (see dense.h): output rows
  /// `[first_row, end_row)` (row = frame·out_height + h) of all `cout` channels, each output through `activation`.
  /// `w`: cout × cin·taps (the convolution's layout); `bias`: cout or NULL; `y`: cout × out positions; `panel`:
  /// scratch of cin·taps × 16 floats. Every tap runs, padding included.
  void (*dense_direct_rows)(const x3d_direct_geometry *g, const float *padded, ptrdiff_t cin, ptrdiff_t volume,
                            const float *w, const float *bias, float *y, ptrdiff_t cout, ptrdiff_t first_row,
                            ptrdiff_t end_row, float *panel, int activation);
  /// Depthwise convolution along T of one channel (kernel kernel_t × 1 × 1, stride 1, padding pad_t along T only),
  /// on the unpadded plane `x` (frames × positions, positions = H·W): `y` (frames + 2·pad_t − kernel_t + 1 frames)
  /// is `start` plus the taps whose input frame exists, through `activation`.
  void (*temporal_depthwise)(const float *x, const float *kernel, float *y, ptrdiff_t frames, ptrdiff_t positions,
                             ptrdiff_t kernel_t, ptrdiff_t pad_t, float start, int activation);
} x3d_kernel_set;

/// The set called `name` ("portable", "avx2", "neon") when it was compiled for this architecture and the CPU
/// supports it; NULL otherwise.
const x3d_kernel_set *x3d_kernels_named(const char *name);

/// The fastest set this CPU supports (checked once): avx2 on x86-64 with AVX2 and FMA, neon on arm64, else portable.
const x3d_kernel_set *x3d_kernels_best(void);

#ifdef __cplusplus
}
#endif

#endif
