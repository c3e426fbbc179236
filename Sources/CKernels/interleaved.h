// Depthwise 3×3×3 convolution, stride 1, padding 1, with eight channels side by side in each vector instead of
// eight positions along W, so no lane is wasted on a narrow row's tail. Part of one kernel set (see
// kernel_body.h); needs `epilogue8` (rows.h).
//
// Per group of eight channels: the group's planes are transposed, eight positions at a time, into a dense buffer
// of 8-lane vectors (position-major), whose rows are copied into the interior of a zero-padded (T+2)×(H+2)×(W+2)
// volume of vectors; the outputs are computed in blocks of X3D_INTERLEAVED_ROWS rows × X3D_INTERLEAVED_COLUMNS
// positions along W, go through the activation, land in the dense buffer, and are transposed back into the
// group's output planes. Every output takes 27 multiply-adds, padding taps included.

#if defined(X3D_NARROW_REGISTERS)
#define X3D_INTERLEAVED_ROWS 1
#define X3D_INTERLEAVED_COLUMNS 4
#else
#define X3D_INTERLEAVED_ROWS 2
#define X3D_INTERLEAVED_COLUMNS 5
#endif

/// In place, the 8×8 transpose: lane j of `r[i]` becomes lane i of `r[j]`.
X3D_INLINE void transpose8x8(v8 r[8]) {
  v8 t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int i = 0; i < 8; i += 4) {
    u[i] = __builtin_shufflevector(t[i], t[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
    u[i + 1] = __builtin_shufflevector(t[i], t[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    u[i + 2] = __builtin_shufflevector(t[i + 1], t[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
    u[i + 3] = __builtin_shufflevector(t[i + 1], t[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
  }
  for (int i = 0; i < 4; i++) {
    r[i] = __builtin_shufflevector(u[i], u[i + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    r[i + 4] = __builtin_shufflevector(u[i], u[i + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}

/// `rows` output rows from `h` × `columns` positions from `q` of frame `t` (constants at every call, so the loops
/// unroll and the `0 ≤ q < columns` tests vanish). Per (kt, kh) the three weight vectors are loaded once; each
/// input vector of a window row is loaded once and serves the (up to three) outputs whose window it is in.
X3D_INLINE void interleaved_step(const float *padded, const float *taps, float *dense, v8 start, int activation,
                                 ptrdiff_t frames_stride, ptrdiff_t columns_p, ptrdiff_t height, ptrdiff_t width,
                                 ptrdiff_t t, ptrdiff_t h, ptrdiff_t q, const int rows, const int columns) {
  v8 acc[X3D_INTERLEAVED_ROWS][X3D_INTERLEAVED_COLUMNS];
  for (int j = 0; j < rows; j++) {
    for (int c = 0; c < columns; c++) acc[j][c] = start;
  }
  for (int kt = 0; kt < 3; kt++) {
    for (int kh = 0; kh < 3; kh++) {
      const float *tap = taps + (9 * kt + 3 * kh) * 8;
      const v8 w0 = load8(tap), w1 = load8(tap + 8), w2 = load8(tap + 16);
      for (int j = 0; j < rows; j++) {
        const float *row = padded + ((t + kt) * frames_stride + (h + j + kh) * columns_p + q) * 8;
        for (int p = 0; p < columns + 2; p++) {
          const v8 v = load8(row + 8 * p);
          if (p < columns) acc[j][p] = madd(acc[j][p], v, w0);
          if (p >= 1 && p - 1 < columns) acc[j][p - 1] = madd(acc[j][p - 1], v, w1);
          if (p >= 2) acc[j][p - 2] = madd(acc[j][p - 2], v, w2);
        }
      }
    }
  }
  for (int j = 0; j < rows; j++) {
    float *target = dense + ((t * height + h + j) * width + q) * 8;
    for (int c = 0; c < columns; c++) store8(target + 8 * c, epilogue8(acc[j][c], NULL, 8, activation));
  }
}

/// The steps of `rows` output rows from `h` across the width: full blocks of columns, then the remainder.
X3D_INLINE void interleaved_rows(const float *padded, const float *taps, float *dense, v8 start, int activation,
                                 ptrdiff_t frames_stride, ptrdiff_t columns_p, ptrdiff_t height, ptrdiff_t width,
                                 ptrdiff_t t, ptrdiff_t h, const int rows) {
  const int block = X3D_INTERLEAVED_COLUMNS;
  ptrdiff_t q = 0;
  for (; q + block <= width; q += block) {
    interleaved_step(padded, taps, dense, start, activation, frames_stride, columns_p, height, width, t, h, q, rows,
                     block);
  }
  switch (width - q) {
#define X3D_REMAINDER(n)                                                                                        \
  case n:                                                                                                       \
    interleaved_step(padded, taps, dense, start, activation, frames_stride, columns_p, height, width, t, h, q, rows, \
                     n);                                                                                        \
    break;
    X3D_REMAINDER(1)
    X3D_REMAINDER(2)
    X3D_REMAINDER(3)
#if X3D_INTERLEAVED_COLUMNS > 4
    X3D_REMAINDER(4)
#endif
#undef X3D_REMAINDER
    default: break;
  }
}

X3D_KERNEL void interleaved_depthwise(const float *x, const float *w, const float *bias, float *y,
                                      ptrdiff_t channels, ptrdiff_t frames, ptrdiff_t height, ptrdiff_t width,
                                      ptrdiff_t first_item, ptrdiff_t end_item, float *scratch, int activation) {
  const ptrdiff_t rows_p = height + 2, columns_p = width + 2;
  const ptrdiff_t volume = (frames + 2) * rows_p * columns_p;
  const ptrdiff_t plane = frames * height * width;
  const ptrdiff_t groups = (channels + 7) / 8;
  const ptrdiff_t frames_stride = rows_p * columns_p;
  float *padded = scratch;             // volume × 8 lanes; the border stays zero, every item rewrites the interior
  float *dense = scratch + volume * 8;  // plane × 8 lanes: the group's inputs, then its outputs
  __builtin_memset(padded, 0, (size_t)(volume * 8) * sizeof(float));
  float taps[27 * 8];
  for (ptrdiff_t item = first_item; item < end_item; item++) {
    const ptrdiff_t n = item / groups, first = (item % groups) * 8;
    const ptrdiff_t lanes = channels - first < 8 ? channels - first : 8;
    const float *source = x + (n * channels + first) * plane;
    float *target = y + (n * channels + first) * plane;
    // Missing channels (lanes ≥ `lanes`) read zeros and their outputs are dropped.
    float bias_lanes[8] = {0};
    __builtin_memset(taps, 0, sizeof taps);
    for (ptrdiff_t lane = 0; lane < lanes; lane++) {
      for (int tap = 0; tap < 27; tap++) taps[tap * 8 + lane] = w[(first + lane) * 27 + tap];
      bias_lanes[lane] = bias ? bias[first + lane] : 0;
    }
    ptrdiff_t p = 0;
    for (; p + 8 <= plane; p += 8) {
      v8 r[8];
      for (int lane = 0; lane < 8; lane++) r[lane] = lane < lanes ? load8(source + lane * plane + p) : splat(0);
      transpose8x8(r);
      for (int i = 0; i < 8; i++) store8(dense + (p + i) * 8, r[i]);
    }
    for (; p < plane; p++) {
      for (int lane = 0; lane < 8; lane++) dense[p * 8 + lane] = lane < lanes ? source[lane * plane + p] : 0;
    }
    for (ptrdiff_t t = 0; t < frames; t++) {
      for (ptrdiff_t h = 0; h < height; h++) {
        copy_floats(padded + (((t + 1) * rows_p + h + 1) * columns_p + 1) * 8, dense + (t * height + h) * width * 8,
                    width * 8);
      }
    }
    const v8 start = load8(bias_lanes);
    for (ptrdiff_t t = 0; t < frames; t++) {
      ptrdiff_t h = 0;
      for (; h + X3D_INTERLEAVED_ROWS <= height; h += X3D_INTERLEAVED_ROWS) {
        interleaved_rows(padded, taps, dense, start, activation, frames_stride, columns_p, height, width, t, h,
                         X3D_INTERLEAVED_ROWS);
      }
      for (; h < height; h++) {
        interleaved_rows(padded, taps, dense, start, activation, frames_stride, columns_p, height, width, t, h, 1);
      }
    }
    for (p = 0; p + 8 <= plane; p += 8) {
      v8 r[8];
      for (int i = 0; i < 8; i++) r[i] = load8(dense + (p + i) * 8);
      transpose8x8(r);
      for (int lane = 0; lane < lanes; lane++) store8(target + lane * plane + p, r[lane]);
    }
    for (; p < plane; p++) {
      for (int lane = 0; lane < lanes; lane++) target[lane * plane + p] = dense[p * 8 + lane];
    }
  }
}
