// Small dense and depthwise 3-D convolutions (the stem's 1×3×3 and 5×1×1, the blocks' 3×3×3) on zero-padded copies
// of the input planes, eight outputs along W per vector. Part of one kernel set (see kernel_body.h).
//
// For a horizontal stride of 2 each padded row holds its even columns first and its odd columns from `odd_offset`,
// so tap kw of output wo reads `(kw & 1)·odd_offset + wo + (kw >> 1)`: consecutive outputs read consecutive floats.

/// Writes only the interior positions (the same ones for every plane), so the caller zeroes the volume once and the
/// border and slack stay zero across planes.
X3D_KERNEL void direct_pad(const x3d_direct_geometry *g, const float *plane, float *padded) {
  const ptrdiff_t pt = g->pad_t, ph = g->pad_h, pw = g->pad_w;
  const ptrdiff_t frames = g->in_frames, height = g->in_height, width = g->in_width;
  const ptrdiff_t row_length = g->row_length, odd = g->odd_offset;
  const ptrdiff_t frame_size = g->padded_rows * row_length;
  for (ptrdiff_t t = 0; t < frames; t++) {
    float *frame = padded + (t + pt) * frame_size;
    for (ptrdiff_t h = 0; h < height; h++) {
      const float *source = plane + (t * height + h) * width;
      float *row = frame + (h + ph) * row_length;
      if (g->stride_w == 1) {
        copy_floats(row + pw, source, width);
      } else {
        // Sixteen inputs at a time: even-indexed ones land in one half of the row, odd-indexed in the other.
        ptrdiff_t w = 0;
        for (; w + 16 <= width; w += 16) {
          const v8 lo = load8(source + w), hi = load8(source + w + 8);
          const v8 evens = __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14);
          const v8 odds = __builtin_shufflevector(lo, hi, 1, 3, 5, 7, 9, 11, 13, 15);
          store8(row + (pw & 1) * odd + ((w + pw) >> 1), evens);
          store8(row + ((pw + 1) & 1) * odd + ((w + 1 + pw) >> 1), odds);
        }
        for (; w < width; w++) {
          const ptrdiff_t column = w + pw;
          row[(column & 1) * odd + (column >> 1)] = source[w];
        }
      }
    }
  }
}

/// The 3×3×3 case, writing (not accumulating): every tap unrolled, the 27 weights broadcast once per plane, eight
/// outputs per step (a row's tail is computed on the row's slack and stored partially).
/// `o1`, `o2`: where taps kw = 1 and 2 read, relative to tap 0 (constants 1, 2 for stride 1, so the nine row
/// addresses are one base plus nine offsets).
X3D_INLINE void direct_333(const x3d_direct_geometry *g, const float *padded, const float *kernel, float *out,
                           float start, const ptrdiff_t o1, const ptrdiff_t o2) {
  v8 w[27];
  for (int tap = 0; tap < 27; tap++) w[tap] = splat(kernel[tap]);
  const ptrdiff_t sh = g->stride_h, row_length = g->row_length;
  const ptrdiff_t width = g->out_width, frame = g->padded_rows * row_length;
  const v8 first = splat(start);
  for (ptrdiff_t to = 0; to < g->out_frames; to++) {
    for (ptrdiff_t ho = 0; ho < g->out_height; ho++) {
      float *target = out + (to * g->out_height + ho) * width;
      const float *top = padded + (to * g->padded_rows + ho * sh) * row_length;
      for (ptrdiff_t wo = 0; wo < width; wo += 8) {
        // One accumulator per input frame: three independent chains of nine multiply-adds instead of one of 27.
        v8 acc[3] = {first, splat(0), splat(0)};
        for (int kt = 0; kt < 3; kt++) {
          for (int kh = 0; kh < 3; kh++) {
            const float *row = top + kt * frame + kh * row_length + wo;
            const int tap = 3 * (3 * kt + kh);
            acc[kt] = madd(acc[kt], load8(row), w[tap]);
            acc[kt] = madd(acc[kt], load8(row + o1), w[tap + 1]);
            acc[kt] = madd(acc[kt], load8(row + o2), w[tap + 2]);
          }
        }
        const v8 sum = acc[0] + acc[1] + acc[2];
        if (width - wo >= 8) store8(target + wo, sum);
        else store_partial(target + wo, sum, width - wo);
      }
    }
  }
}

X3D_KERNEL void direct_apply(const x3d_direct_geometry *g, const float *padded, const float *kernel, float *out,
                             float start, int accumulate) {
  const ptrdiff_t kt_n = g->kernel_t, kh_n = g->kernel_h, kw_n = g->kernel_w;
  if (!accumulate && kt_n == 3 && kh_n == 3 && kw_n == 3) {
    if (g->stride_w == 1) direct_333(g, padded, kernel, out, start, 1, 2);
    else direct_333(g, padded, kernel, out, start, g->odd_offset, 1);
    return;
  }
  const ptrdiff_t sh = g->stride_h, row_length = g->row_length, odd = g->odd_offset;
  const int stride_two = g->stride_w == 2;
  const ptrdiff_t width = g->out_width;
  const v8 first = splat(start);
  for (ptrdiff_t to = 0; to < g->out_frames; to++) {
    for (ptrdiff_t ho = 0; ho < g->out_height; ho++) {
      float *target = out + (to * g->out_height + ho) * width;
      ptrdiff_t wo = 0;
      // Four vectors (32 outputs) at a time: each broadcast weight serves four loads.
      for (; wo + 32 <= width; wo += 32) {
        v8 a0 = accumulate ? load8(target + wo) : first;
        v8 a1 = accumulate ? load8(target + wo + 8) : first;
        v8 a2 = accumulate ? load8(target + wo + 16) : first;
        v8 a3 = accumulate ? load8(target + wo + 24) : first;
        ptrdiff_t tap = 0;
        for (ptrdiff_t kt = 0; kt < kt_n; kt++) {
          for (ptrdiff_t kh = 0; kh < kh_n; kh++) {
            const float *row = padded + ((to + kt) * g->padded_rows + ho * sh + kh) * row_length;
            for (ptrdiff_t kw = 0; kw < kw_n; kw++, tap++) {
              const ptrdiff_t at = stride_two ? (kw & 1) * odd + wo + (kw >> 1) : wo + kw;
              const v8 weight = splat(kernel[tap]);
              a0 = madd(a0, load8(row + at), weight);
              a1 = madd(a1, load8(row + at + 8), weight);
              a2 = madd(a2, load8(row + at + 16), weight);
              a3 = madd(a3, load8(row + at + 24), weight);
            }
          }
        }
        store8(target + wo, a0);
        store8(target + wo + 8, a1);
        store8(target + wo + 16, a2);
        store8(target + wo + 24, a3);
      }
      for (; wo < width; wo += 8) {
        const ptrdiff_t lanes = width - wo < 8 ? width - wo : 8;
        v8 acc = !accumulate ? first : lanes == 8 ? load8(target + wo) : load_partial(target + wo, lanes);
        ptrdiff_t tap = 0;
        for (ptrdiff_t kt = 0; kt < kt_n; kt++) {
          for (ptrdiff_t kh = 0; kh < kh_n; kh++) {
            const float *row = padded + ((to + kt) * g->padded_rows + ho * sh + kh) * row_length;
            for (ptrdiff_t kw = 0; kw < kw_n; kw++, tap++) {
              const ptrdiff_t at = stride_two ? (kw & 1) * odd + wo + (kw >> 1) : wo + kw;
              acc = madd(acc, load8(row + at), splat(kernel[tap]));
            }
          }
        }
        if (lanes == 8) store8(target + wo, acc);
        else store_partial(target + wo, acc, lanes);
      }
    }
  }
}
