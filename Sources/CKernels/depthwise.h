// Depthwise 3×3×3 convolution, stride 1 or 2 along H and W (T: 1), on the zero-padded planes of `direct_pad`,
// blocked for registers. Part of one kernel set (see kernel_body.h); needs `epilogue8` (rows.h).
//
// A step computes X3D_DEPTHWISE_ROWS output rows of eight outputs each: per input frame the frame's nine weights
// are broadcast into registers once, and every input row the block reads is loaded once per tap column and
// multiplied into each output row whose window covers it (up to three with stride 1). Per step of four rows:
// 36 multiply-adds per frame for 18 input loads and 9 broadcasts (the unblocked kernel needs two loads for each
// multiply-add: the input and the weight, which does not stay in registers). Rows left over by the blocking take
// one row a step.

#if defined(X3D_NARROW_REGISTERS)
#define X3D_DEPTHWISE_ROWS 2
#else
#define X3D_DEPTHWISE_ROWS 4
#endif

/// Output rows `ho … ho + rows − 1` of frame `to`, columns `wo … wo + 7` (stored partially past `out_width`).
/// `rows` and `sh` are constants at every call, so the loops below unroll and the tap tests fold away.
/// `o1`, `o2`: where taps kw = 1 and 2 read, relative to tap 0.
X3D_INLINE void depthwise_step(const x3d_direct_geometry *g, const float *padded, const float *kernel, float *out,
                               v8 start, int activation, ptrdiff_t to, ptrdiff_t ho, ptrdiff_t wo, const int rows,
                               const ptrdiff_t sh, const ptrdiff_t o1, const ptrdiff_t o2) {
  const ptrdiff_t row_length = g->row_length, frame = g->padded_rows * row_length;
  const ptrdiff_t width = g->out_width;
  v8 acc[X3D_DEPTHWISE_ROWS];
  for (int j = 0; j < rows; j++) acc[j] = start;
  const float *top = padded + (to * g->padded_rows + ho * sh) * row_length + wo;
  for (int kt = 0; kt < 3; kt++) {
    v8 w[9];
    for (int tap = 0; tap < 9; tap++) w[tap] = splat(kernel[9 * kt + tap]);
    const float *base = top + kt * frame;
    for (ptrdiff_t q = 0; q < (rows - 1) * sh + 3; q++) {
      const float *row = base + q * row_length;
      const v8 x0 = load8(row), x1 = load8(row + o1), x2 = load8(row + o2);
      for (int j = 0; j < rows; j++) {
        const ptrdiff_t kh = q - j * sh;
        if (kh < 0 || kh > 2) continue;
        acc[j] = madd(acc[j], x0, w[3 * kh]);
        acc[j] = madd(acc[j], x1, w[3 * kh + 1]);
        acc[j] = madd(acc[j], x2, w[3 * kh + 2]);
      }
    }
  }
  const ptrdiff_t lanes = width - wo < 8 ? width - wo : 8;
  for (int j = 0; j < rows; j++) {
    const v8 v = epilogue8(acc[j], NULL, lanes, activation);
    float *target = out + (to * g->out_height + ho + j) * width + wo;
    if (lanes == 8) store8(target, v);
    else store_partial(target, v, lanes);
  }
}

/// Every output of the plane, rows in blocks, with the strides as constants.
X3D_INLINE void depthwise_plane(const x3d_direct_geometry *g, const float *padded, const float *kernel, float *out,
                                float start, int activation, const ptrdiff_t sh, const ptrdiff_t o1,
                                const ptrdiff_t o2) {
  const v8 first = splat(start);
  const ptrdiff_t height = g->out_height, width = g->out_width;
  for (ptrdiff_t to = 0; to < g->out_frames; to++) {
    ptrdiff_t ho = 0;
    for (; ho + X3D_DEPTHWISE_ROWS <= height; ho += X3D_DEPTHWISE_ROWS) {
      for (ptrdiff_t wo = 0; wo < width; wo += 8) {
        depthwise_step(g, padded, kernel, out, first, activation, to, ho, wo, X3D_DEPTHWISE_ROWS, sh, o1, o2);
      }
    }
    for (; ho < height; ho++) {
      for (ptrdiff_t wo = 0; wo < width; wo += 8) {
        depthwise_step(g, padded, kernel, out, first, activation, to, ho, wo, 1, sh, o1, o2);
      }
    }
  }
}

X3D_KERNEL void depthwise_333(const x3d_direct_geometry *g, const float *padded, const float *kernel, float *out,
                              float start, int activation) {
  const ptrdiff_t odd = g->odd_offset;
  if (g->stride_h == 1 && g->stride_w == 1) depthwise_plane(g, padded, kernel, out, start, activation, 1, 1, 2);
  else if (g->stride_h == 2 && g->stride_w == 2) depthwise_plane(g, padded, kernel, out, start, activation, 2, odd, 1);
  else if (g->stride_w == 1) depthwise_plane(g, padded, kernel, out, start, activation, g->stride_h, 1, 2);
  else depthwise_plane(g, padded, kernel, out, start, activation, g->stride_h, odd, 1);
}
