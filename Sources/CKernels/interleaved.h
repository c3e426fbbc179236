// Depthwise 3×3×3 convolution, stride 1, padding 1, for narrow planes (W ≤ 8: res5 at 160²), with eight channels
// side by side in each vector instead of eight positions along W, so no lane is wasted on a row's tail. Part of
// one kernel set (see kernel_body.h).
//
// Each group of eight channels is copied into a zero-padded (T+2)×(H+2)×(W+2) volume of vectors; every output
// position then takes 27 multiply-adds, padding taps included.

X3D_KERNEL void interleaved_depthwise(const float *x, const float *w, const float *bias, float *y,
                                      ptrdiff_t channels, ptrdiff_t frames, ptrdiff_t height, ptrdiff_t width,
                                      ptrdiff_t first_item, ptrdiff_t end_item, float *scratch) {
  const ptrdiff_t rows = height + 2, columns = width + 2;
  const ptrdiff_t volume = (frames + 2) * rows * columns;
  const ptrdiff_t plane = frames * height * width;
  const ptrdiff_t groups = (channels + 7) / 8;
  const ptrdiff_t frame_stride = rows * columns;
  float *padded = scratch;              // volume × 8 lanes
  float *tap_lanes = scratch + volume * 8;  // 27 × 8 lanes
  for (ptrdiff_t item = first_item; item < end_item; item++) {
    const ptrdiff_t n = item / groups, first = (item % groups) * 8;
    const ptrdiff_t lanes = channels - first < 8 ? channels - first : 8;
    __builtin_memset(padded, 0, (size_t)(volume * 8) * sizeof(float));
    __builtin_memset(tap_lanes, 0, 27 * 8 * sizeof(float));
    float bias_lanes[8] = {0};
    for (ptrdiff_t lane = 0; lane < lanes; lane++) {
      const ptrdiff_t c = first + lane;
      const float *channel = x + (n * channels + c) * plane;
      for (ptrdiff_t t = 0; t < frames; t++) {
        for (ptrdiff_t h = 0; h < height; h++) {
          const ptrdiff_t target = ((t + 1) * rows + h + 1) * columns + 1;
          for (ptrdiff_t q = 0; q < width; q++) padded[(target + q) * 8 + lane] = channel[(t * height + h) * width + q];
        }
      }
      for (int tap = 0; tap < 27; tap++) tap_lanes[tap * 8 + lane] = w[c * 27 + tap];
      bias_lanes[lane] = bias ? bias[c] : 0;
    }
    v8 taps[27];
    for (int tap = 0; tap < 27; tap++) taps[tap] = load8(tap_lanes + tap * 8);
    const v8 start = load8(bias_lanes);
    for (ptrdiff_t t = 0; t < frames; t++) {
      for (ptrdiff_t h = 0; h < height; h++) {
        for (ptrdiff_t q = 0; q < width; q++) {
          const ptrdiff_t base = (t * rows + h) * columns + q;
          // One accumulator per input frame: three independent chains of nine multiply-adds.
          v8 acc[3] = {start, splat(0), splat(0)};
          for (int kt = 0; kt < 3; kt++) {
            for (int kh = 0; kh < 3; kh++) {
              const float *row = padded + (base + kt * frame_stride + kh * columns) * 8;
              const int tap = 3 * (3 * kt + kh);
              acc[kt] = madd(acc[kt], load8(row), taps[tap]);
              acc[kt] = madd(acc[kt], load8(row + 8), taps[tap + 1]);
              acc[kt] = madd(acc[kt], load8(row + 16), taps[tap + 2]);
            }
          }
          float out[8];
          store8(out, acc[0] + acc[1] + acc[2]);
          const ptrdiff_t position = (t * height + h) * width + q;
          for (ptrdiff_t lane = 0; lane < lanes; lane++) y[(n * channels + first + lane) * plane + position] = out[lane];
        }
      }
    }
  }
}
