// Depthwise convolution along T only (kernel kt × 1 × 1, stride 1, padding only along T: the stem's 5×1×1), on the
// unpadded plane. Part of one kernel set (see kernel_body.h); needs `epilogue8` (rows.h).
//
// Output frame `to` is `start + Σ_k kernel[k]·x[to − pad_t + k]` over the taps whose frame exists, 32 positions
// (four vectors) at a time with the valid taps' weights broadcast once per frame: each input vector is loaded once
// per tap, and no padded copy of the plane is made (the taps over the padding add zero, so they are skipped).

X3D_KERNEL void temporal_depthwise(const float *x, const float *kernel, float *y, ptrdiff_t frames,
                                   ptrdiff_t positions, ptrdiff_t kernel_t, ptrdiff_t pad_t, float start,
                                   int activation) {
  const ptrdiff_t out_frames = frames + 2 * pad_t - kernel_t + 1;
  const v8 first = splat(start);
  for (ptrdiff_t to = 0; to < out_frames; to++) {
    const ptrdiff_t k0 = pad_t - to > 0 ? pad_t - to : 0;
    const ptrdiff_t k1 = frames + pad_t - to < kernel_t ? frames + pad_t - to : kernel_t;
    float *out = y + to * positions;
    const float *base = x + (to - pad_t) * positions;
    ptrdiff_t p = 0;
    for (; p + 32 <= positions; p += 32) {
      v8 a0 = first, a1 = first, a2 = first, a3 = first;
      for (ptrdiff_t k = k0; k < k1; k++) {
        const v8 w = splat(kernel[k]);
        const float *in = base + k * positions + p;
        a0 = madd(a0, load8(in), w);
        a1 = madd(a1, load8(in + 8), w);
        a2 = madd(a2, load8(in + 16), w);
        a3 = madd(a3, load8(in + 24), w);
      }
      store8(out + p, epilogue8(a0, NULL, 8, activation));
      store8(out + p + 8, epilogue8(a1, NULL, 8, activation));
      store8(out + p + 16, epilogue8(a2, NULL, 8, activation));
      store8(out + p + 24, epilogue8(a3, NULL, 8, activation));
    }
    for (; p < positions; p += 8) {
      const ptrdiff_t lanes = positions - p < 8 ? positions - p : 8;
      v8 acc = first;
      for (ptrdiff_t k = k0; k < k1; k++) {
        const float *in = base + k * positions + p;
        acc = madd(acc, lanes == 8 ? load8(in) : load_partial(in, lanes), splat(kernel[k]));
      }
      const v8 v = epilogue8(acc, NULL, lanes, activation);
      if (lanes == 8) store8(out + p, v);
      else store_partial(out + p, v, lanes);
    }
  }
}
