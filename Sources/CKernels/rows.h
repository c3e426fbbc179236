// Elementwise kernels over one channel-first row (or a whole tensor): eight elements per vector, the tail through
// a zero-padded vector stored partially. Part of one kernel set (see kernel_body.h).

/// The epilogue of a fused kernel on one vector: plus the residual's lanes (when `residual` is not NULL; `lanes` of
/// them, ≤ 8), then the activation (X3D_ACTIVATION_NONE, _RELU or _SWISH).
X3D_INLINE v8 epilogue8(v8 v, const float *residual, ptrdiff_t lanes, int activation) {
  if (residual) v += lanes == 8 ? load8(residual) : load_partial(residual, lanes);
  if (activation == X3D_ACTIVATION_RELU) v = select8(v < splat(0), splat(0), v);
  else if (activation == X3D_ACTIVATION_SWISH) v = swish8(v);
  return v;
}

/// Applies `f` (a vector expression of `v`) to `count` elements of `x` into `y`.
#define X3D_MAP(f)                                                       \
  ptrdiff_t i = 0;                                                       \
  for (; i + 8 <= count; i += 8) {                                       \
    const v8 v = load8(x + i);                                           \
    store8(y + i, (f));                                                  \
  }                                                                      \
  if (i < count) {                                                       \
    const v8 v = load_partial(x + i, count - i);                         \
    store_partial(y + i, (f), count - i);                                \
  }

X3D_KERNEL void affine(const float *x, float *y, ptrdiff_t count, float a, float b) {
  const v8 va = splat(a), vb = splat(b);
  X3D_MAP(madd(vb, v, va))
}

X3D_KERNEL void scale(const float *x, float *y, ptrdiff_t count, float a) {
  const v8 va = splat(a);
  X3D_MAP(v * va)
}

X3D_KERNEL void relu(const float *x, float *y, ptrdiff_t count) { X3D_MAP(select8(v < splat(0), splat(0), v)) }

X3D_KERNEL void swish(const float *x, float *y, ptrdiff_t count) { X3D_MAP(swish8(v)) }

X3D_KERNEL void sigmoid(const float *x, float *y, ptrdiff_t count) { X3D_MAP(sigmoid8(v)) }

X3D_KERNEL void add(const float *a, const float *b, float *y, ptrdiff_t count) {
  ptrdiff_t i = 0;
  for (; i + 8 <= count; i += 8) store8(y + i, load8(a + i) + load8(b + i));
  for (; i < count; i++) y[i] = a[i] + b[i];
}

X3D_KERNEL void scale_swish(const float *x, float *y, ptrdiff_t count, float a) {
  const v8 va = splat(a);
  X3D_MAP(swish8(v * va))
}

X3D_KERNEL void epilogue(float *y, const float *residual, ptrdiff_t count, int activation) {
  ptrdiff_t i = 0;
  for (; i + 8 <= count; i += 8) store8(y + i, epilogue8(load8(y + i), residual ? residual + i : NULL, 8, activation));
  if (i < count) {
    const v8 v = epilogue8(load_partial(y + i, count - i), residual ? residual + i : NULL, count - i, activation);
    store_partial(y + i, v, count - i);
  }
}

X3D_KERNEL float sum(const float *x, ptrdiff_t count) {
  v8 partial = splat(0);
  ptrdiff_t i = 0;
  for (; i + 8 <= count; i += 8) partial += load8(x + i);
  float total = sum8(partial);
  for (; i < count; i++) total += x[i];
  return total;
}

#undef X3D_MAP
