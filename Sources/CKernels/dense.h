// Small dense convolutions (the stem's 1×3×3, stride 2, 3 → 24 channels) as register-tiled matrix products on the
// zero-padded planes of `direct_pad`, without an im2col buffer. Part of one kernel set (see kernel_body.h); needs
// the tiles of pointwise.h.
//
// For each run of up to 16 outputs along one output row, the K = cin·taps inputs each output reads are gathered
// into a K × 16 panel (two vector loads per tap and channel, from the padded rows; stride 2 reads the even or odd
// half of a row), and the 6 × 16 tiles multiply it by the weights, `cout × K` as the convolution stores them. The
// panel stays in L1; nothing of size K × positions is ever written.

X3D_KERNEL void dense_direct_rows(const x3d_direct_geometry *g, const float *padded, ptrdiff_t cin, ptrdiff_t volume,
                                  const float *w, const float *bias, float *y, ptrdiff_t cout, ptrdiff_t first_row,
                                  ptrdiff_t end_row, float *panel, int activation) {
  const ptrdiff_t taps = g->kernel_t * g->kernel_h * g->kernel_w, k_total = cin * taps;
  const ptrdiff_t width = g->out_width, height = g->out_height, positions = g->out_frames * height * width;
  const ptrdiff_t row_length = g->row_length, odd = g->odd_offset, sh = g->stride_h;
  const int stride_two = g->stride_w == 2;
  const ptrdiff_t tiles = cout / 6;
  for (ptrdiff_t row = first_row; row < end_row; row++) {
    const ptrdiff_t to = row / height, ho = row % height;
    for (ptrdiff_t wo = 0; wo < width; wo += 16) {
      const ptrdiff_t columns = width - wo < 16 ? width - wo : 16;
      float *target = panel;
      for (ptrdiff_t ci = 0; ci < cin; ci++) {
        for (ptrdiff_t kt = 0; kt < g->kernel_t; kt++) {
          for (ptrdiff_t kh = 0; kh < g->kernel_h; kh++) {
            const float *line = padded + ci * volume + ((to + kt) * g->padded_rows + ho * sh + kh) * row_length + wo;
            for (ptrdiff_t kw = 0; kw < g->kernel_w; kw++, target += 16) {
              const float *source = line + (stride_two ? (kw & 1) * odd + (kw >> 1) : kw);
              if (columns == 16) {
                store8(target, load8(source));
                store8(target + 8, load8(source + 8));
              } else {
                store8(target, columns >= 8 ? load8(source) : load_partial(source, columns));
                store8(target + 8, columns > 8 ? load_partial(source + 8, columns - 8) : splat(0));
              }
            }
          }
        }
      }
      float *out = y + row * width + wo;
      for (ptrdiff_t tile = 0; tile < tiles; tile++) {
        const float *tile_w = w + tile * 6 * k_total, *tile_bias = bias ? bias + tile * 6 : NULL;
        float *tile_y = out + tile * 6 * positions;
#if defined(X3D_NARROW_REGISTERS)
        tile6_half(panel, tile_w, k_total, tile_bias, tile_y, positions, columns < 8 ? columns : 8, NULL, activation);
        if (columns > 8)
          tile6_half(panel + 8, tile_w, k_total, tile_bias, tile_y + 8, positions, columns - 8, NULL, activation);
#else
        tile6(panel, tile_w, k_total, tile_bias, tile_y, positions, columns, NULL, activation);
#endif
      }
      for (ptrdiff_t r = tiles * 6; r < cout; r++) {
        tile1(panel, w + r * k_total, k_total, bias ? bias + r : NULL, out + r * positions, columns, NULL, activation);
      }
    }
  }
}
