import CKernels

/// The 1×1×1 convolution as a matrix product, per sample: `Y[co][p] = bias[co] + Σ_ci W[co][ci]·X[ci][p]` with
/// `X` of `Cin × P` and `Y` of `Cout × P` (channel-first rows of `P = T·H·W` positions).
///
/// The C kernel (`pointwise_fused`) copies each block of 16 positions to a contiguous, zero-padded `Cin × 16` panel
/// that stays in L1 and runs every tile of six output channels over it with 12 eight-lane accumulators, one
/// multiply-add each per input channel, the weights broadcast from their rows in place. Position blocks run in
/// parallel. Fewer than 4 positions (squeeze-excitation, the head after pooling) use dot products instead.
///
/// A fused epilogue (`residual`, of `y`'s layout, then `activation`) is applied in registers before each store
/// (`pointwise_fused`), or in place after the dot products. An input transform (`x' = inputActivation(x[ci][p] ·
/// inputScale[ci])`, squeeze-excitation's channel scale and Swish) is applied as the panels are copied
/// (`pointwise_transformed`); the dot products (fewer than 4 positions) do not take one.
enum PointwiseConvolution {
  static let tileRows = 6
  static let tileColumns = 16

  static func run(
    x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>,
    cin: Int, cout: Int, positions: Int, threads: Int, _ kernels: x3d_kernel_set,
    residual: UnsafePointer<Float>? = nil, activation: FusedGroup.Activation = .none,
    inputScale: UnsafePointer<Float>? = nil, inputActivation: FusedGroup.Activation = .none
  ) {
    precondition(positions >= 4 || (inputScale == nil && inputActivation == .none), "dot products take no transform")
    if positions < 4 {
      dotProducts(
        x: x, w: w, bias: bias, y: y, cin: cin, cout: cout, positions: positions, threads: threads, kernels)
      if residual != nil || activation != .none {
        kernels.epilogue!(y, residual, cout * positions, activation.rawValue)
      }
      return
    }
    let blocks = kernels.pointwise_transformed!
    let columnBlocks = (positions + tileColumns - 1) / tileColumns
    parallelChunks(columnBlocks, threads: threads) { range in
      let panel = UnsafeMutablePointer<Float>.allocate(capacity: cin * tileColumns * Int(X3D_POINTWISE_PANEL_BLOCKS))
      defer { panel.deallocate() }
      blocks(
        x, w, bias, y, cin, cout, positions, range.lowerBound, range.upperBound, panel, residual,
        activation.rawValue, inputScale, inputActivation.rawValue)
    }
  }

  /// Few positions: each output is a dot product of a weight row with the gathered input column.
  static func dotProducts(
    x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>,
    cin: Int, cout: Int, positions: Int, threads: Int, _ kernels: x3d_kernel_set
  ) {
    var columns = [Float](repeating: 0, count: positions * cin)
    for ci in 0..<cin { for p in 0..<positions { columns[p * cin + ci] = x[ci * positions + p] } }
    let dots = kernels.pointwise_dots!
    columns.withUnsafeBufferPointer { column in
      let c = column.baseAddress!
      parallelChunks(cout, threads: threads, minimumChunk: 16) { rows in
        dots(c, w, bias, y, cin, positions, rows.lowerBound, rows.upperBound)
      }
    }
  }
}
