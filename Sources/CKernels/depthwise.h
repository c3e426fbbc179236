// Depthwise 3×3×3 convolution, stride 1 or 2 along H and W (T: 1), on the zero-padded planes of `direct_pad`,
// blocked for registers. Part of one kernel set (see kernel_body.h); needs `epilogue8` (rows.h).
//
// A step computes several output rows of two vectors (16 outputs along W) each: eight to ten independent
// accumulators, enough to hide the multiply-add latency (one chain of 27 dependent multiply-adds per vector, as an
// unblocked kernel runs, leaves both FMA units waiting). Stride 1 (`depthwise_step`, X3D_DEPTHWISE_ROWS rows):
// each loaded input row serves every output row whose window holds it. Stride 2 (`depthwise_step_strided`,
// X3D_DEPTHWISE_STRIDED_ROWS rows), where an input row serves at most two output rows and sharing measured slower:
// each output row reads its own windows. A row's last eight or fewer outputs take a one-vector step; rows left over
// by the blocking take one row a step.

#if defined(X3D_NARROW_REGISTERS)
#define X3D_DEPTHWISE_ROWS 2
#define X3D_DEPTHWISE_STRIDED_ROWS 2
#else
#define X3D_DEPTHWISE_ROWS 5
#define X3D_DEPTHWISE_STRIDED_ROWS 4
#endif

/// Output rows `ho … ho + rows − 1` of frame `to`, `vectors` (1 or 2) vectors from column `wo` (stored partially
/// past `out_width`). `rows`, `vectors` and `sh` are constants at every call, so the loops below unroll and the
/// test `0 ≤ kh ≤ 2` is decided at compile time. `o1`, `o2`: where taps kw = 1 and 2 read, relative to tap 0.
///
/// Taps go by (kt, kw): that pair's three weights (kh = 0, 1, 2) are broadcast once, then each of the
/// `(rows − 1)·sh + 3` input rows the block reads is loaded once (per vector) and serves every output row it is
/// a window row of (up to three). With 5 rows × 2 vectors that is 10 accumulators, 3 weights and 2 inputs in
/// registers, 153 loads for 270 multiply-adds, against one load per multiply-add when each output row reads its
/// own windows.
X3D_INLINE void depthwise_step(const x3d_direct_geometry *g, const float *padded, const float *kernel, float *out,
                               v8 start, int activation, ptrdiff_t to, ptrdiff_t ho, ptrdiff_t wo, const int rows,
                               const int vectors, const ptrdiff_t sh, const ptrdiff_t o1, const ptrdiff_t o2) {
  const ptrdiff_t row_length = g->row_length, frame = g->padded_rows * row_length;
  const ptrdiff_t width = g->out_width;
  v8 acc[X3D_DEPTHWISE_ROWS][2];
  for (int j = 0; j < rows; j++) {
    for (int c = 0; c < vectors; c++) acc[j][c] = start;
  }
  const float *top = padded + (to * g->padded_rows + ho * sh) * row_length + wo;
  const int input_rows = (rows - 1) * (int)sh + 3;
  for (int kt = 0; kt < 3; kt++) {
    for (int kw = 0; kw < 3; kw++) {
      const ptrdiff_t shift = kw == 0 ? 0 : kw == 1 ? o1 : o2;
      const v8 w[3] = {splat(kernel[9 * kt + kw]), splat(kernel[9 * kt + 3 + kw]), splat(kernel[9 * kt + 6 + kw])};
      for (int r = 0; r < input_rows; r++) {
        const float *row = top + kt * frame + r * row_length + shift;
        v8 in[2];
        for (int c = 0; c < vectors; c++) in[c] = load8(row + 8 * c);
        for (int j = 0; j < rows; j++) {
          const int kh = r - j * (int)sh;
          if (kh < 0 || kh > 2) continue;
          for (int c = 0; c < vectors; c++) acc[j][c] = madd(acc[j][c], in[c], w[kh]);
        }
      }
    }
  }
  for (int j = 0; j < rows; j++) {
    float *target = out + (to * g->out_height + ho + j) * width + wo;
    for (int c = 0; c < vectors; c++) {
      const ptrdiff_t lanes = width - wo - 8 * c < 8 ? width - wo - 8 * c : 8;
      const v8 v = epilogue8(acc[j][c], NULL, lanes, activation);
      if (lanes == 8) store8(target + 8 * c, v);
      else store_partial(target + 8 * c, v, lanes);
    }
  }
}

/// Output rows `ho … ho + rows − 1` of frame `to`, `vectors` (1 or 2) vectors from column `wo`, each output row
/// reading its own windows (stride 2, where an input row serves at most two output rows): per kernel row the three
/// weights are broadcast once and serve every accumulator, each input vector feeds its multiply-add from memory.
X3D_INLINE void depthwise_step_strided(const x3d_direct_geometry *g, const float *padded, const float *kernel,
                                       float *out, v8 start, int activation, ptrdiff_t to, ptrdiff_t ho, ptrdiff_t wo,
                                       const int rows, const int vectors, const ptrdiff_t sh, const ptrdiff_t o1,
                                       const ptrdiff_t o2) {
  const ptrdiff_t row_length = g->row_length, frame = g->padded_rows * row_length;
  const ptrdiff_t width = g->out_width;
  v8 acc[X3D_DEPTHWISE_ROWS][2];
  for (int j = 0; j < rows; j++) {
    for (int c = 0; c < vectors; c++) acc[j][c] = start;
  }
  const float *top = padded + (to * g->padded_rows + ho * sh) * row_length + wo;
  for (int kt = 0; kt < 3; kt++) {
    for (int kh = 0; kh < 3; kh++) {
      const v8 w0 = splat(kernel[9 * kt + 3 * kh]), w1 = splat(kernel[9 * kt + 3 * kh + 1]);
      const v8 w2 = splat(kernel[9 * kt + 3 * kh + 2]);
      for (int j = 0; j < rows; j++) {
        const float *row = top + kt * frame + (j * sh + kh) * row_length;
        for (int c = 0; c < vectors; c++) {
          acc[j][c] = madd(acc[j][c], load8(row + 8 * c), w0);
          acc[j][c] = madd(acc[j][c], load8(row + 8 * c + o1), w1);
          acc[j][c] = madd(acc[j][c], load8(row + 8 * c + o2), w2);
        }
      }
    }
  }
  for (int j = 0; j < rows; j++) {
    float *target = out + (to * g->out_height + ho + j) * width + wo;
    for (int c = 0; c < vectors; c++) {
      const ptrdiff_t lanes = width - wo - 8 * c < 8 ? width - wo - 8 * c : 8;
      const v8 v = epilogue8(acc[j][c], NULL, lanes, activation);
      if (lanes == 8) store8(target + 8 * c, v);
      else store_partial(target + 8 * c, v, lanes);
    }
  }
}

/// The steps of `rows` output rows from `ho` across the plane's width; `shared` (a constant): the steps that share
/// input rows across output rows (stride 1), else those that read each output row's windows.
X3D_INLINE void depthwise_rows(const x3d_direct_geometry *g, const float *padded, const float *kernel, float *out,
                               v8 start, int activation, ptrdiff_t to, ptrdiff_t ho, const int rows,
                               const ptrdiff_t sh, const ptrdiff_t o1, const ptrdiff_t o2, const int shared) {
  const ptrdiff_t width = g->out_width;
  ptrdiff_t wo = 0;
  for (; wo + 8 < width; wo += 16) {
    if (shared) depthwise_step(g, padded, kernel, out, start, activation, to, ho, wo, rows, 2, sh, o1, o2);
    else depthwise_step_strided(g, padded, kernel, out, start, activation, to, ho, wo, rows, 2, sh, o1, o2);
  }
  if (wo < width) {
    if (shared) depthwise_step(g, padded, kernel, out, start, activation, to, ho, wo, rows, 1, sh, o1, o2);
    else depthwise_step_strided(g, padded, kernel, out, start, activation, to, ho, wo, rows, 1, sh, o1, o2);
  }
}

/// Every output of the plane, rows in blocks, with the strides as constants.
X3D_INLINE void depthwise_plane(const x3d_direct_geometry *g, const float *padded, const float *kernel, float *out,
                                float start, int activation, const ptrdiff_t sh, const ptrdiff_t o1,
                                const ptrdiff_t o2, const int shared) {
  const v8 first = splat(start);
  const ptrdiff_t height = g->out_height;
  const int block = shared ? X3D_DEPTHWISE_ROWS : X3D_DEPTHWISE_STRIDED_ROWS;
  for (ptrdiff_t to = 0; to < g->out_frames; to++) {
    ptrdiff_t ho = 0;
    for (; ho + block <= height; ho += block) {
      depthwise_rows(g, padded, kernel, out, first, activation, to, ho, block, sh, o1, o2, shared);
    }
    for (; ho < height; ho++) depthwise_rows(g, padded, kernel, out, first, activation, to, ho, 1, sh, o1, o2, shared);
  }
}

X3D_KERNEL void depthwise_333(const x3d_direct_geometry *g, const float *padded, const float *kernel, float *out,
                              float start, int activation) {
  const ptrdiff_t odd = g->odd_offset;
  if (g->stride_h == 1 && g->stride_w == 1) depthwise_plane(g, padded, kernel, out, start, activation, 1, 1, 2, 1);
  else if (g->stride_h == 2 && g->stride_w == 2)
    depthwise_plane(g, padded, kernel, out, start, activation, 2, odd, 1, 0);
  else if (g->stride_w == 1) depthwise_plane(g, padded, kernel, out, start, activation, g->stride_h, 1, 2, 0);
  else depthwise_plane(g, padded, kernel, out, start, activation, g->stride_h, odd, 1, 0);
}
