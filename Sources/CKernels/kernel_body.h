// The kernels of one set, compiled once by each kernels_<set>.c. That file defines, before including this one:
//   X3D_TARGET     the attribute every function gets (`__attribute__((target("avx2,fma")))`, or nothing)
//   X3D_SET_NAME   the set's name as a string, and X3D_SET_TABLE the name of its exported table
// and chooses whether `acc + a·b` may become one fused multiply-add (`#pragma STDC FP_CONTRACT`).
#include "CKernels.h"
#include "vector8.h"

#include "rows.h"
#include "depthwise.h"
#include "direct.h"
#include "interleaved.h"
#include "pointwise.h"
#include "dense.h"
#include "temporal.h"

const x3d_kernel_set X3D_SET_TABLE = {
  .name = X3D_SET_NAME,
  .pointwise_blocks = pointwise_blocks,
  .pointwise_dots = pointwise_dots,
  .direct_pad = direct_pad,
  .direct_apply = direct_apply,
  .interleaved_depthwise = interleaved_depthwise,
  .affine = affine,
  .scale = scale,
  .relu = relu,
  .swish = swish,
  .sigmoid = sigmoid,
  .add = add,
  .sum = sum,
  .pointwise_fused = pointwise_fused,
  .epilogue = epilogue,
  .scale_swish = scale_swish,
  .depthwise_333 = depthwise_333,
  .dense_direct_rows = dense_direct_rows,
  .temporal_depthwise = temporal_depthwise,
  .pointwise_transformed = pointwise_transformed,
};
