// 1×1×1 convolution as a matrix product, per sample: Y[co][p] = bias[co] + Σ_ci W[co][ci]·X[ci][p], X of
// Cin × P and Y of Cout × P (P = T·H·W positions). Part of one kernel set (see kernel_body.h).
//
// Groups of blocks of 16 positions (as many as fit 24 KB, so the panel stays in L1; at most
// X3D_POINTWISE_PANEL_BLOCKS) are copied to a panel of contiguous, zero-padded Cin × 16 blocks. Every tile of six
// output channels runs over each block of the group with 12 vector accumulators, one multiply-add per weight and
// half-panel row; tiles outside and blocks inside, so a tile's six output rows are written in runs the store
// prefetcher follows (outputs that miss the caches otherwise slow the largest layers to 0.6–0.7 of their in-cache
// speed). The weights are broadcast from their rows in place: a broadcast from memory is one load wherever it
// reads, so packing them costs a pass and saves nothing. Rows left over by six-row tiles take one row at a time. A
// set whose file defines X3D_NARROW_REGISTERS (the portable set on x86-64: sixteen registers of four lanes, where
// 12 accumulators of eight lanes would spill) runs each six-row tile as two 6 × 8 halves instead.
//
// `pointwise_transformed` applies an input transform while it copies the panel, `x'[ci][p] =
// act(x[ci][p]·in_scale[ci])` (squeeze-excitation's channel scale and the Swish after it), so the transformed input
// is computed once per position and never written to memory.

/// Writes the 16 (or `columns` < 16) outputs of a row from two accumulators, through the epilogue (`residual`: the
/// row's residual at the same columns, or NULL).
X3D_INLINE void store16(float *y, v8 lo, v8 hi, ptrdiff_t columns, const float *residual, int activation) {
  if (residual || activation) {
    lo = epilogue8(lo, residual, columns < 8 ? columns : 8, activation);
    if (columns > 8) hi = epilogue8(hi, residual ? residual + 8 : NULL, columns - 8, activation);
  }
  if (columns == 16) {
    store8(y, lo);
    store8(y + 8, hi);
  } else if (columns > 8) {
    store8(y, lo);
    store_partial(y + 8, hi, columns - 8);
  } else {
    store_partial(y, lo, columns);
  }
}

#if !defined(X3D_NARROW_REGISTERS)
/// 6 rows × 16 columns; `w`: the first row's weights, rows `cin` apart; `y`: the first row's outputs, rows
/// `y_stride` apart.
static X3D_TARGET __attribute__((noinline)) void tile6(const float *panel, const float *w, ptrdiff_t cin,
                                                        const float *bias, float *y, ptrdiff_t y_stride,
                                                        ptrdiff_t columns, const float *residual, int activation) {
  v8 a0 = splat(bias ? bias[0] : 0), b0 = a0;
  v8 a1 = splat(bias ? bias[1] : 0), b1 = a1;
  v8 a2 = splat(bias ? bias[2] : 0), b2 = a2;
  v8 a3 = splat(bias ? bias[3] : 0), b3 = a3;
  v8 a4 = splat(bias ? bias[4] : 0), b4 = a4;
  v8 a5 = splat(bias ? bias[5] : 0), b5 = a5;
  const float *w0 = w, *w1 = w + cin, *w2 = w + 2 * cin, *w3 = w + 3 * cin, *w4 = w + 4 * cin, *w5 = w + 5 * cin;
  for (ptrdiff_t ci = 0; ci < cin; ci++) {
    const v8 lo = load8(panel), hi = load8(panel + 8);
    v8 s = splat(w0[ci]);
    a0 = madd(a0, lo, s);
    b0 = madd(b0, hi, s);
    s = splat(w1[ci]);
    a1 = madd(a1, lo, s);
    b1 = madd(b1, hi, s);
    s = splat(w2[ci]);
    a2 = madd(a2, lo, s);
    b2 = madd(b2, hi, s);
    s = splat(w3[ci]);
    a3 = madd(a3, lo, s);
    b3 = madd(b3, hi, s);
    s = splat(w4[ci]);
    a4 = madd(a4, lo, s);
    b4 = madd(b4, hi, s);
    s = splat(w5[ci]);
    a5 = madd(a5, lo, s);
    b5 = madd(b5, hi, s);
    panel += 16;
  }
  store16(y, a0, b0, columns, residual, activation);
  store16(y + y_stride, a1, b1, columns, residual ? residual + y_stride : NULL, activation);
  store16(y + 2 * y_stride, a2, b2, columns, residual ? residual + 2 * y_stride : NULL, activation);
  store16(y + 3 * y_stride, a3, b3, columns, residual ? residual + 3 * y_stride : NULL, activation);
  store16(y + 4 * y_stride, a4, b4, columns, residual ? residual + 4 * y_stride : NULL, activation);
  store16(y + 5 * y_stride, a5, b5, columns, residual ? residual + 5 * y_stride : NULL, activation);
}

#else
/// 6 rows × 8 (or `columns` < 8) columns at `panel` (rows 16 floats apart): 6 accumulators; `w` as for tile6.
static X3D_TARGET __attribute__((noinline)) void tile6_half(const float *panel, const float *w, ptrdiff_t cin,
                                                             const float *bias, float *y, ptrdiff_t y_stride,
                                                             ptrdiff_t columns, const float *residual,
                                                             int activation) {
  v8 a[6];
  for (int r = 0; r < 6; r++) a[r] = splat(bias ? bias[r] : 0);
  for (ptrdiff_t ci = 0; ci < cin; ci++) {
    const v8 x = load8(panel);
    for (int r = 0; r < 6; r++) a[r] = madd(a[r], x, splat(w[r * cin + ci]));
    panel += 16;
  }
  for (int r = 0; r < 6; r++) {
    const v8 v = epilogue8(a[r], residual ? residual + r * y_stride : NULL, columns, activation);
    if (columns == 8) store8(y + r * y_stride, v);
    else store_partial(y + r * y_stride, v, columns);
  }
}

#endif

/// 1 row × 16 columns; `w`: the row's cin weights.
static X3D_TARGET __attribute__((noinline)) void tile1(const float *panel, const float *w, ptrdiff_t cin,
                                                        const float *bias, float *y, ptrdiff_t columns,
                                                        const float *residual, int activation) {
  v8 a = splat(bias ? bias[0] : 0), b = a;
  for (ptrdiff_t ci = 0; ci < cin; ci++) {
    const v8 s = splat(w[ci]);
    a = madd(a, load8(panel), s);
    b = madd(b, load8(panel + 8), s);
    panel += 16;
  }
  store16(y, a, b, columns, residual, activation);
}

/// The panel copy's input transform on one vector of input channel `ci`: times `in_scale[ci]` (NULL: none), then
/// `in_activation`. Zero lanes stay zero (ReLU and Swish of 0 are 0), so the panel's padding is unchanged.
X3D_INLINE v8 transform8(v8 v, const float *in_scale, ptrdiff_t ci, int in_activation) {
  if (in_scale) v *= splat(in_scale[ci]);
  return epilogue8(v, NULL, 8, in_activation);
}

X3D_KERNEL void pointwise_transformed(const float *x, const float *w, const float *bias, float *y, ptrdiff_t cin,
                                      ptrdiff_t cout, ptrdiff_t positions, ptrdiff_t first_block,
                                      ptrdiff_t end_block, float *panel, const float *residual, int activation,
                                      const float *in_scale, int in_activation) {
  const int transform = in_scale != NULL || in_activation != X3D_ACTIVATION_NONE;
  const ptrdiff_t tiles = cout / 6;
  // As many blocks as keep the panel within 24 KB (L1), one at least.
  ptrdiff_t per_group = 384 / (cin > 0 ? cin : 1);
  per_group = per_group < 1 ? 1 : per_group > X3D_POINTWISE_PANEL_BLOCKS ? X3D_POINTWISE_PANEL_BLOCKS : per_group;
  for (ptrdiff_t group = first_block; group < end_block; group += per_group) {
    const ptrdiff_t blocks = end_block - group < per_group ? end_block - group : per_group;
    for (ptrdiff_t b = 0; b < blocks; b++) {
      const ptrdiff_t column = (group + b) * 16;
      const ptrdiff_t columns = positions - column < 16 ? positions - column : 16;
      for (ptrdiff_t ci = 0; ci < cin; ci++) {
        float *target = panel + (b * cin + ci) * 16;
        const float *source = x + ci * positions + column;
        v8 lo, hi;
        if (columns == 16) {
          lo = load8(source);
          hi = load8(source + 8);
        } else {
          lo = columns >= 8 ? load8(source) : load_partial(source, columns);
          hi = columns > 8 ? load_partial(source + 8, columns - 8) : splat(0);
        }
        if (transform) {
          lo = transform8(lo, in_scale, ci, in_activation);
          hi = transform8(hi, in_scale, ci, in_activation);
        }
        store8(target, lo);
        store8(target + 8, hi);
      }
    }
    // Tiles outside, blocks inside: each tile's six output rows are written left to right across the group.
    for (ptrdiff_t tile = 0; tile < tiles; tile++) {
      const ptrdiff_t row = tile * 6;
      const float *tile_w = w + row * cin, *tile_bias = bias ? bias + row : NULL;
      for (ptrdiff_t b = 0; b < blocks; b++) {
        const ptrdiff_t column = (group + b) * 16;
        const ptrdiff_t columns = positions - column < 16 ? positions - column : 16;
        const float *block = panel + b * cin * 16;
        float *tile_y = y + row * positions + column;
        const float *tile_r = residual ? residual + row * positions + column : NULL;
#if defined(X3D_NARROW_REGISTERS)
        tile6_half(block, tile_w, cin, tile_bias, tile_y, positions, columns < 8 ? columns : 8, tile_r, activation);
        if (columns > 8)
          tile6_half(block + 8, tile_w, cin, tile_bias, tile_y + 8, positions, columns - 8,
                     tile_r ? tile_r + 8 : NULL, activation);
#else
        tile6(block, tile_w, cin, tile_bias, tile_y, positions, columns, tile_r, activation);
#endif
      }
    }
    for (ptrdiff_t row = tiles * 6; row < cout; row++) {
      for (ptrdiff_t b = 0; b < blocks; b++) {
        const ptrdiff_t column = (group + b) * 16;
        const ptrdiff_t columns = positions - column < 16 ? positions - column : 16;
        tile1(panel + b * cin * 16, w + row * cin, cin, bias ? bias + row : NULL, y + row * positions + column,
              columns, residual ? residual + row * positions + column : NULL, activation);
      }
    }
  }
}

X3D_KERNEL void pointwise_fused(const float *x, const float *w, const float *bias, float *y, ptrdiff_t cin,
                                ptrdiff_t cout, ptrdiff_t positions, ptrdiff_t first_block, ptrdiff_t end_block,
                                float *panel, const float *residual, int activation) {
  pointwise_transformed(x, w, bias, y, cin, cout, positions, first_block, end_block, panel, residual, activation,
                        NULL, X3D_ACTIVATION_NONE);
}

X3D_KERNEL void pointwise_blocks(const float *x, const float *w, const float *bias, float *y,
                                 ptrdiff_t cin, ptrdiff_t cout, ptrdiff_t positions, ptrdiff_t first_block,
                                 ptrdiff_t end_block, float *panel) {
  pointwise_transformed(x, w, bias, y, cin, cout, positions, first_block, end_block, panel, NULL,
                        X3D_ACTIVATION_NONE, NULL, X3D_ACTIVATION_NONE);
}

X3D_KERNEL void pointwise_dots(const float *columns, const float *w, const float *bias, float *y, ptrdiff_t cin,
                               ptrdiff_t positions, ptrdiff_t first_row, ptrdiff_t end_row) {
  for (ptrdiff_t co = first_row; co < end_row; co++) {
    const float *weights = w + co * cin;
    for (ptrdiff_t p = 0; p < positions; p++) {
      const float *input = columns + p * cin;
      v8 s0 = splat(0), s1 = splat(0);
      ptrdiff_t ci = 0;
      for (; ci + 16 <= cin; ci += 16) {
        s0 = madd(s0, load8(weights + ci), load8(input + ci));
        s1 = madd(s1, load8(weights + ci + 8), load8(input + ci + 8));
      }
      float sum = sum8(s0 + s1);
      for (; ci < cin; ci++) sum += weights[ci] * input[ci];
      y[co * positions + p] = sum + (bias ? bias[co] : 0);
    }
  }
}
