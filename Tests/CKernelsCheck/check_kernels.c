// Checks every kernel set compiled for arm64 (neon and portable) against plain double-precision loops, without any
// C library (freestanding: its own write/exit system calls, memcpy, memset and strcmp), so it can be cross-compiled
// with clang alone and run under qemu-aarch64 on an x86-64 host (CKernelsTargetTests builds and runs it).
//
// Prints one line per set and kernel family; exit status 0 when every element is within 1e-4 relative (the floor
// of the scale is 1% of the largest expected magnitude, as in TestSupport's FloatComparison), 1 otherwise.
#include <stddef.h>

#include "CKernels.h"

#if defined(__aarch64__)
static long sys_call3(long number, long a, long b, long c) {
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x8 __asm__("x8") = number;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x8) : "memory");
  return x0;
}
enum { SYS_WRITE = 64, SYS_EXIT = 93 };
#else
#error "check_kernels.c is built for arm64 only (x86-64 sets are checked by the Swift tests)"
#endif

void *memcpy(void *target, const void *source, size_t n) {
  volatile unsigned char *t = target;
  const volatile unsigned char *s = source;
  for (size_t i = 0; i < n; i++) t[i] = s[i];
  return target;
}

void *memset(void *target, int value, size_t n) {
  volatile unsigned char *t = target;
  for (size_t i = 0; i < n; i++) t[i] = (unsigned char)value;
  return target;
}

int strcmp(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return (unsigned char)*a - (unsigned char)*b;
}

static void print(const char *text) {
  size_t n = 0;
  while (text[n]) n++;
  sys_call3(SYS_WRITE, 1, (long)text, (long)n);
}

static void print_int(long value) {
  char digits[24];
  int n = 0;
  if (value < 0) {
    print("-");
    value = -value;
  }
  do digits[n++] = (char)('0' + value % 10); while ((value /= 10) > 0);
  char text[24];
  for (int i = 0; i < n; i++) text[i] = digits[n - 1 - i];
  text[n] = 0;
  print(text);
}

static unsigned long long state = 0x9E3779B97F4A7C15ull;
/// Uniform in [−1, 1).
static float uniform(void) {
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  return (float)((double)(state >> 40) / (double)(1ull << 24) * 2.0 - 1.0);
}

static void fill(float *x, ptrdiff_t n) {
  for (ptrdiff_t i = 0; i < n; i++) x[i] = uniform();
}

static double absolute(double x) { return x < 0 ? -x : x; }

static int failures = 0;

/// Compares `n` floats with the expected doubles; prints the first mismatch.
static void compare(const char *set, const char *what, const float *observed, const double *expected, ptrdiff_t n) {
  double largest = 0;
  for (ptrdiff_t i = 0; i < n; i++)
    if (absolute(expected[i]) > largest) largest = absolute(expected[i]);
  for (ptrdiff_t i = 0; i < n; i++) {
    double scale = absolute(expected[i]) > 0.01 * largest ? absolute(expected[i]) : 0.01 * largest;
    double difference = absolute((double)observed[i] - expected[i]);
    if (!(difference <= 1e-4 * scale)) {
      print(set);
      print(" ");
      print(what);
      print(": element ");
      print_int((long)i);
      print(" differs by ");
      print_int((long)(difference / scale * 1e6));
      print("e-6 relative\n");
      failures++;
      return;
    }
  }
  print(set);
  print(" ");
  print(what);
  print(": ok\n");
}

enum { CIN = 13, COUT = 14, POSITIONS = 37 };

static void check_pointwise(const x3d_kernel_set *k) {
  static float x[CIN * POSITIONS], w[COUT * CIN], bias[COUT], y[COUT * POSITIONS];
  static float panel[CIN * 16 * X3D_POINTWISE_PANEL_BLOCKS];
  static float columns[3 * CIN];
  static double expected[COUT * POSITIONS];
  fill(x, CIN * POSITIONS);
  fill(w, COUT * CIN);
  fill(bias, COUT);
  for (int co = 0; co < COUT; co++)
    for (int p = 0; p < POSITIONS; p++) {
      double sum = bias[co];
      for (int ci = 0; ci < CIN; ci++) sum += (double)w[co * CIN + ci] * x[ci * POSITIONS + p];
      expected[co * POSITIONS + p] = sum;
    }
  k->pointwise_blocks(x, w, bias, y, CIN, COUT, POSITIONS, 0, (POSITIONS + 15) / 16, panel);
  compare(k->name, "pointwise_blocks 13→14 at 37 positions", y, expected, COUT * POSITIONS);
  // Dot products at 3 positions: columns are the input transposed.
  for (int p = 0; p < 3; p++)
    for (int ci = 0; ci < CIN; ci++) columns[p * CIN + ci] = x[ci * POSITIONS + p];
  for (int co = 0; co < COUT; co++)
    for (int p = 0; p < 3; p++) {
      double sum = bias[co];
      for (int ci = 0; ci < CIN; ci++) sum += (double)w[co * CIN + ci] * columns[p * CIN + ci];
      expected[co * 3 + p] = sum;
    }
  k->pointwise_dots(columns, w, bias, y, CIN, 3, 0, COUT);
  compare(k->name, "pointwise_dots 13→14 at 3 positions", y, expected, COUT * 3);
  // Fused: ReLU(conv + residual), the residual of y's layout.
  static float residual[COUT * POSITIONS];
  fill(residual, COUT * POSITIONS);
  for (int co = 0; co < COUT; co++)
    for (int p = 0; p < POSITIONS; p++) {
      double sum = (double)bias[co] + residual[co * POSITIONS + p];
      for (int ci = 0; ci < CIN; ci++) sum += (double)w[co * CIN + ci] * x[ci * POSITIONS + p];
      expected[co * POSITIONS + p] = sum < 0 ? 0 : sum;
    }
  k->pointwise_fused(x, w, bias, y, CIN, COUT, POSITIONS, 0, (POSITIONS + 15) / 16, panel, residual,
                     X3D_ACTIVATION_RELU);
  compare(k->name, "pointwise_fused 13→14 at 37 positions, residual and ReLU", y, expected, COUT * POSITIONS);
}

/// The geometry DirectConvolution.swift computes.
static x3d_direct_geometry geometry(ptrdiff_t t, ptrdiff_t h, ptrdiff_t w, ptrdiff_t kt, ptrdiff_t kh, ptrdiff_t kw,
                                   ptrdiff_t pt, ptrdiff_t ph, ptrdiff_t pw, ptrdiff_t sh, ptrdiff_t sw) {
  x3d_direct_geometry g = {0};
  g.in_frames = t, g.in_height = h, g.in_width = w;
  g.pad_t = pt, g.pad_h = ph, g.pad_w = pw;
  g.kernel_t = kt, g.kernel_h = kh, g.kernel_w = kw;
  g.stride_h = sh, g.stride_w = sw;
  g.out_frames = t + 2 * pt - kt + 1;
  g.out_height = (h + 2 * ph - kh) / sh + 1;
  g.out_width = (w + 2 * pw - kw) / sw + 1;
  g.padded_rows = h + 2 * ph;
  const ptrdiff_t padded_width = w + 2 * pw;
  g.odd_offset = sw == 1 ? 0 : (padded_width + 1) / 2 + 8;
  g.row_length = sw == 1 ? padded_width + 8 : g.odd_offset + padded_width / 2 + 8;
  return g;
}

enum { PLANE = 2 * 9 * 37, VOLUME = 4 * 11 * 64 };

/// One output channel from `channels` input planes: `Σ_c Σ_taps w·x` + bias, on zero padding.
static void check_direct(const x3d_kernel_set *k, const char *what, x3d_direct_geometry g, int channels) {
  static float x[2 * PLANE], w[2 * 27], padded[2 * VOLUME], y[PLANE];
  static double expected[PLANE];
  const ptrdiff_t taps = g.kernel_t * g.kernel_h * g.kernel_w;
  const ptrdiff_t in_plane = g.in_frames * g.in_height * g.in_width;
  const ptrdiff_t out_plane = g.out_frames * g.out_height * g.out_width;
  const ptrdiff_t volume = (g.in_frames + 2 * g.pad_t) * g.padded_rows * g.row_length;
  const float bias = 0.25f;
  fill(x, channels * in_plane);
  fill(w, channels * taps);
  memset(padded, 0, sizeof padded);
  for (ptrdiff_t to = 0; to < g.out_frames; to++)
    for (ptrdiff_t ho = 0; ho < g.out_height; ho++)
      for (ptrdiff_t wo = 0; wo < g.out_width; wo++) {
        double sum = bias;
        for (int c = 0; c < channels; c++)
          for (ptrdiff_t kt = 0; kt < g.kernel_t; kt++)
            for (ptrdiff_t kh = 0; kh < g.kernel_h; kh++)
              for (ptrdiff_t kw = 0; kw < g.kernel_w; kw++) {
                ptrdiff_t ti = to - g.pad_t + kt, hi = ho * g.stride_h - g.pad_h + kh, wi = wo * g.stride_w - g.pad_w + kw;
                if (ti < 0 || ti >= g.in_frames || hi < 0 || hi >= g.in_height || wi < 0 || wi >= g.in_width) continue;
                sum += (double)w[c * taps + (kt * g.kernel_h + kh) * g.kernel_w + kw] *
                       x[c * in_plane + (ti * g.in_height + hi) * g.in_width + wi];
              }
        expected[(to * g.out_height + ho) * g.out_width + wo] = sum;
      }
  for (int c = 0; c < channels; c++) {
    k->direct_pad(&g, x + c * in_plane, padded + c * volume);
    k->direct_apply(&g, padded + c * volume, w + c * taps, y, bias, c > 0);
  }
  compare(k->name, what, y, expected, out_plane);
  if (channels > 1) {
    // The same windows as a matrix product, one output channel (rows split in two calls).
    const ptrdiff_t rows = g.out_frames * g.out_height;
    static float panel[2 * 27 * 16];
    k->dense_direct_rows(&g, padded, channels, volume, w, &bias, y, 1, 0, rows / 2, panel, X3D_ACTIVATION_NONE);
    k->dense_direct_rows(&g, padded, channels, volume, w, &bias, y, 1, rows / 2, rows, panel, X3D_ACTIVATION_NONE);
    compare(k->name, "dense_direct_rows (same planes)", y, expected, out_plane);
  }
  if (channels == 1 && g.kernel_h == 1 && g.kernel_w == 1 && g.pad_h == 0 && g.pad_w == 0) {
    // The temporal kernel on the unpadded plane, plain and with the ReLU epilogue.
    k->temporal_depthwise(x, w, y, g.in_frames, g.in_height * g.in_width, g.kernel_t, g.pad_t, bias,
                          X3D_ACTIVATION_NONE);
    compare(k->name, "temporal_depthwise (same plane)", y, expected, out_plane);
    static double relu_expected[PLANE];
    for (ptrdiff_t i = 0; i < out_plane; i++) relu_expected[i] = expected[i] < 0 ? 0 : expected[i];
    k->temporal_depthwise(x, w, y, g.in_frames, g.in_height * g.in_width, g.kernel_t, g.pad_t, bias,
                          X3D_ACTIVATION_RELU);
    compare(k->name, "temporal_depthwise with ReLU (same plane)", y, relu_expected, out_plane);
  }
  if (channels == 1 && taps == 27) {
    // The register-blocked kernel on the same padded plane, plain and with the ReLU epilogue.
    k->depthwise_333(&g, padded, w, y, bias, X3D_ACTIVATION_NONE);
    compare(k->name, "depthwise_333 (same plane)", y, expected, out_plane);
    for (ptrdiff_t i = 0; i < out_plane; i++) expected[i] = expected[i] < 0 ? 0 : expected[i];
    k->depthwise_333(&g, padded, w, y, bias, X3D_ACTIVATION_RELU);
    compare(k->name, "depthwise_333 with ReLU (same plane)", y, expected, out_plane);
  }
}

enum { IC_MAX = 11, IT_MAX = 3, IH_MAX = 5, IW_MAX = 13 };

/// `interleaved_depthwise` on C channels of T × H × W (at most the maxima above), ReLU after when `relu`.
static void check_interleaved(const x3d_kernel_set *k, const char *what, int IC, int IT, int IH, int IW, int relu) {
  static float x[IC_MAX * IT_MAX * IH_MAX * IW_MAX], w[IC_MAX * 27], bias[IC_MAX], y[IC_MAX * IT_MAX * IH_MAX * IW_MAX];
  static float scratch[8 * ((IT_MAX + 2) * (IH_MAX + 2) * (IW_MAX + 2) + IT_MAX * IH_MAX * IW_MAX)];
  static double expected[IC_MAX * IT_MAX * IH_MAX * IW_MAX];
  fill(x, IC * IT * IH * IW);
  fill(w, IC * 27);
  fill(bias, IC);
  const int plane = IT * IH * IW;
  for (int c = 0; c < IC; c++)
    for (int t = 0; t < IT; t++)
      for (int h = 0; h < IH; h++)
        for (int q = 0; q < IW; q++) {
          double sum = bias[c];
          for (int kt = 0; kt < 3; kt++)
            for (int kh = 0; kh < 3; kh++)
              for (int kw = 0; kw < 3; kw++) {
                int ti = t - 1 + kt, hi = h - 1 + kh, wi = q - 1 + kw;
                if (ti < 0 || ti >= IT || hi < 0 || hi >= IH || wi < 0 || wi >= IW) continue;
                sum += (double)w[c * 27 + (kt * 3 + kh) * 3 + kw] * x[c * plane + (ti * IH + hi) * IW + wi];
              }
          expected[c * plane + (t * IH + h) * IW + q] = relu && sum < 0 ? 0 : sum;
        }
  k->interleaved_depthwise(x, w, bias, y, IC, IT, IH, IW, 0, (IC + 7) / 8, scratch,
                           relu ? X3D_ACTIVATION_RELU : X3D_ACTIVATION_NONE);
  compare(k->name, what, y, expected, IC * plane);
}

/// e^x by its series after halving x until small, then squaring back (double precision, no libm).
static double exponential(double x) {
  int halvings = 0;
  while (absolute(x) > 0.5) {
    x /= 2;
    halvings++;
  }
  double term = 1, sum = 1;
  for (int n = 1; n < 20; n++) sum += (term *= x / n);
  while (halvings-- > 0) sum *= sum;
  return sum;
}

enum { N = 19 };

static void check_rows(const x3d_kernel_set *k) {
  static float x[N], b[N], y[N];
  static double expected[N];
  fill(x, N);
  fill(b, N);
  for (int i = 0; i < N; i++) x[i] *= 12;
  k->affine(x, y, N, 0.75f, -0.5f);
  for (int i = 0; i < N; i++) expected[i] = x[i] * 0.75 - 0.5;
  compare(k->name, "affine", y, expected, N);
  k->scale(x, y, N, -1.5f);
  for (int i = 0; i < N; i++) expected[i] = x[i] * -1.5;
  compare(k->name, "scale", y, expected, N);
  k->relu(x, y, N);
  for (int i = 0; i < N; i++) expected[i] = x[i] < 0 ? 0 : x[i];
  compare(k->name, "relu", y, expected, N);
  k->sigmoid(x, y, N);
  for (int i = 0; i < N; i++) expected[i] = 1 / (1 + exponential(-x[i]));
  compare(k->name, "sigmoid", y, expected, N);
  k->swish(x, y, N);
  for (int i = 0; i < N; i++) expected[i] = x[i] / (1 + exponential(-x[i]));
  compare(k->name, "swish", y, expected, N);
  k->scale_swish(x, y, N, -0.5f);
  for (int i = 0; i < N; i++) expected[i] = x[i] * -0.5 / (1 + exponential(x[i] * 0.5));
  compare(k->name, "scale_swish", y, expected, N);
  for (int i = 0; i < N; i++) y[i] = x[i];
  k->epilogue(y, b, N, X3D_ACTIVATION_SWISH);
  for (int i = 0; i < N; i++) {
    const double v = (double)x[i] + b[i];
    expected[i] = v / (1 + exponential(-v));
  }
  compare(k->name, "epilogue (add, Swish)", y, expected, N);
  k->add(x, b, y, N);
  for (int i = 0; i < N; i++) expected[i] = (double)x[i] + b[i];
  compare(k->name, "add", y, expected, N);
  double total = 0;
  for (int i = 0; i < N; i++) total += x[i];
  y[0] = k->sum(x, N);
  compare(k->name, "sum", y, &total, 1);
}

enum { TRANSFORM_POSITIONS = 300 };

/// `pointwise_transformed`: the input scaled per channel and through Swish as the panels are copied, then the
/// residual and ReLU; `positions` 37 (one panel group, a partial block) or 300 (two groups, a partial block).
static void check_pointwise_transformed(const x3d_kernel_set *k, ptrdiff_t positions, const char *what) {
  static float x[CIN * TRANSFORM_POSITIONS], w[COUT * CIN], bias[COUT], in_scale[CIN], y[COUT * TRANSFORM_POSITIONS];
  static float residual[COUT * TRANSFORM_POSITIONS], panel[CIN * 16 * X3D_POINTWISE_PANEL_BLOCKS];
  static double transformed[CIN * TRANSFORM_POSITIONS], expected[COUT * TRANSFORM_POSITIONS];
  fill(x, CIN * positions);
  for (ptrdiff_t i = 0; i < CIN * positions; i++) x[i] *= 6;
  fill(w, COUT * CIN);
  fill(bias, COUT);
  fill(in_scale, CIN);
  fill(residual, COUT * positions);
  for (ptrdiff_t ci = 0; ci < CIN; ci++)
    for (ptrdiff_t p = 0; p < positions; p++) {
      const double v = (double)(x[ci * positions + p] * in_scale[ci]);
      transformed[ci * positions + p] = v / (1 + exponential(-v));
    }
  for (ptrdiff_t co = 0; co < COUT; co++)
    for (ptrdiff_t p = 0; p < positions; p++) {
      double sum = (double)bias[co] + residual[co * positions + p];
      for (ptrdiff_t ci = 0; ci < CIN; ci++) sum += (double)w[co * CIN + ci] * transformed[ci * positions + p];
      expected[co * positions + p] = sum < 0 ? 0 : sum;
    }
  k->pointwise_transformed(x, w, bias, y, CIN, COUT, positions, 0, (positions + 15) / 16, panel, residual,
                           X3D_ACTIVATION_RELU, in_scale, X3D_ACTIVATION_SWISH);
  compare(k->name, what, y, expected, COUT * positions);
}

static int check(void) {
  const char *names[] = {"portable", "avx2", "neon"};
  int sets = 0;
  for (int s = 0; s < 3; s++) {
    const x3d_kernel_set *k = x3d_kernels_named(names[s]);
    if (!k) continue;
    sets++;
    check_pointwise(k);
    check_pointwise_transformed(k, 37, "pointwise_transformed 13→14 at 37 positions, scale and Swish in, ReLU out");
    check_pointwise_transformed(k, TRANSFORM_POSITIONS,
                                "pointwise_transformed 13→14 at 300 positions (two panel groups)");
    check_direct(k, "direct 3×3×3 depthwise stride 1, 2×9×37", geometry(2, 9, 37, 3, 3, 3, 1, 1, 1, 1, 1), 1);
    check_direct(k, "direct 3×3×3 depthwise stride 2, 2×9×35", geometry(2, 9, 35, 3, 3, 3, 1, 1, 1, 2, 2), 1);
    check_direct(k, "direct 1×3×3 dense stride 2, 2 channels, 2×9×37", geometry(2, 9, 37, 1, 3, 3, 0, 1, 1, 2, 2), 2);
    check_direct(k, "direct 5×1×1 depthwise, 2×9×13", geometry(2, 9, 13, 5, 1, 1, 2, 0, 0, 1, 1), 1);
    check_direct(k, "direct 5×1×1 depthwise, 7×6×7", geometry(7, 6, 7, 5, 1, 1, 2, 0, 0, 1, 1), 1);
    check_direct(k, "direct 3×3×3 depthwise stride 2, 2×17×19", geometry(2, 17, 19, 3, 3, 3, 1, 1, 1, 2, 2), 1);
    check_interleaved(k, "interleaved_depthwise 11 channels 2×3×5", 11, 2, 3, 5, 0);
    check_interleaved(k, "interleaved_depthwise 8 channels 3×5×13 with ReLU", 8, 3, 5, 13, 1);
    check_interleaved(k, "interleaved_depthwise 3 channels 1×1×1", 3, 1, 1, 1, 0);
    check_rows(k);
  }
  print("best: ");
  print(x3d_kernels_best()->name);
  print("\n");
  return sets >= 1 && failures == 0 ? 0 : 1;
}

void _start(void) {
  sys_call3(SYS_EXIT, check(), 0, 0);
  for (;;) {
  }
}
