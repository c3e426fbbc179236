/// The 1×1×1 convolution as a matrix product, per sample: `Y[co][p] = bias[co] + Σ_ci W[co][ci]·X[ci][p]` with
/// `X` of `Cin × P` and `Y` of `Cout × P` (channel-first rows of `P = T·H·W` positions).
///
/// Tiles of 6 output channels × 16 positions keep 12 SIMD8 accumulators in registers; the weights are broadcast one
/// at a time (`acc += x · w`). Tiles run in parallel. Positions that do not fill a tile are copied to a zero-padded
/// panel first; fewer than 4 positions (squeeze-excitation, the head after pooling) use dot products instead.
enum PointwiseConvolution {
  static let tileRows = 6
  static let tileColumns = 16
  static let rowGroup = 48

  static func run(
    x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>,
    cin: Int, cout: Int, positions: Int, threads: Int
  ) {
    if positions < 4 {
      dotProducts(x: x, w: w, bias: bias, y: y, cin: cin, cout: cout, positions: positions, threads: threads)
      return
    }
    let columnBlocks = (positions + tileColumns - 1) / tileColumns
    let rowGroups = (cout + rowGroup - 1) / rowGroup
    parallelChunks(columnBlocks * rowGroups, threads: threads) { items in
      var panel: [Float] = []
      for item in items {
        let column = (item / rowGroups) * tileColumns
        let firstRow = (item % rowGroups) * rowGroup
        let lastRow = min(cout, firstRow + rowGroup)
        let columns = min(tileColumns, positions - column)
        var source = x + column
        var stride = positions
        if columns < tileColumns {
          if panel.isEmpty { panel = [Float](repeating: 0, count: cin * tileColumns) }
          panel.withUnsafeMutableBufferPointer { p in
            for ci in 0..<cin {
              for j in 0..<columns { p[ci * tileColumns + j] = x[ci * positions + column + j] }
            }
          }
          stride = tileColumns
        }
        panel.withUnsafeBufferPointer { p in
          if columns < tileColumns { source = p.baseAddress! }
          var row = firstRow
          while row + tileRows <= lastRow {
            tile6(
              source, stride, w + row * cin, cin, bias.map { $0 + row }, y + row * positions + column, positions,
              columns)
            row += tileRows
          }
          while row < lastRow {
            tile1(
              source, stride, w + row * cin, cin, bias.map { $0 + row }, y + row * positions + column, positions,
              columns)
            row += 1
          }
        }
      }
    }
  }

  /// 6 rows × 16 columns: 12 accumulators.
  @inline(__always)
  static func tile6(
    _ x: UnsafePointer<Float>, _ xStride: Int, _ w: UnsafePointer<Float>, _ cin: Int, _ bias: UnsafePointer<Float>?,
    _ y: UnsafeMutablePointer<Float>, _ yStride: Int, _ columns: Int
  ) {
    func start(_ r: Int) -> Vector { Vector(repeating: bias?[r] ?? 0) }
    var a0 = start(0)
    var b0 = start(0)
    var a1 = start(1)
    var b1 = start(1)
    var a2 = start(2)
    var b2 = start(2)
    var a3 = start(3)
    var b3 = start(3)
    var a4 = start(4)
    var b4 = start(4)
    var a5 = start(5)
    var b5 = start(5)
    let (w0, w1, w2, w3, w4, w5) = (w, w + cin, w + 2 * cin, w + 3 * cin, w + 4 * cin, w + 5 * cin)
    var row = x
    for ci in 0..<cin {
      let lo = row.vector(0)
      let hi = row.vector(8)
      var s = Vector(repeating: w0[ci])
      a0 += lo * s
      b0 += hi * s
      s = Vector(repeating: w1[ci])
      a1 += lo * s
      b1 += hi * s
      s = Vector(repeating: w2[ci])
      a2 += lo * s
      b2 += hi * s
      s = Vector(repeating: w3[ci])
      a3 += lo * s
      b3 += hi * s
      s = Vector(repeating: w4[ci])
      a4 += lo * s
      b4 += hi * s
      s = Vector(repeating: w5[ci])
      a5 += lo * s
      b5 += hi * s
      row += xStride
    }
    store(a0, b0, y, columns)
    store(a1, b1, y + yStride, columns)
    store(a2, b2, y + 2 * yStride, columns)
    store(a3, b3, y + 3 * yStride, columns)
    store(a4, b4, y + 4 * yStride, columns)
    store(a5, b5, y + 5 * yStride, columns)
  }

  /// 1 row × 16 columns, for the rows left over by 6-row tiles.
  @inline(__always)
  static func tile1(
    _ x: UnsafePointer<Float>, _ xStride: Int, _ w: UnsafePointer<Float>, _ cin: Int, _ bias: UnsafePointer<Float>?,
    _ y: UnsafeMutablePointer<Float>, _ yStride: Int, _ columns: Int
  ) {
    var a = Vector(repeating: bias?[0] ?? 0)
    var b = a
    var row = x
    for ci in 0..<cin {
      let s = Vector(repeating: w[ci])
      a += row.vector(0) * s
      b += row.vector(8) * s
      row += xStride
    }
    store(a, b, y, columns)
  }

  @inline(__always)
  static func store(_ lo: Vector, _ hi: Vector, _ y: UnsafeMutablePointer<Float>, _ columns: Int) {
    if columns == 16 {
      y.store(lo, 0)
      y.store(hi, 8)
    } else if columns > 8 {
      y.store(lo, 0)
      y.store(hi, 8, count: columns - 8)
    } else {
      y.store(lo, 0, count: columns)
    }
  }

  /// Few positions: each output is a dot product of a weight row with the gathered input column.
  static func dotProducts(
    x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>,
    cin: Int, cout: Int, positions: Int, threads: Int
  ) {
    var columns = [Float](repeating: 0, count: positions * cin)
    for ci in 0..<cin { for p in 0..<positions { columns[p * cin + ci] = x[ci * positions + p] } }
    columns.withUnsafeBufferPointer { column in
      let c = column.baseAddress!
      parallelChunks(cout, threads: threads, minimumChunk: 16) { rows in
        for co in rows {
          let weights = w + co * cin
          for p in 0..<positions {
            let input = c + p * cin
            var (s0, s1) = (Vector(), Vector())
            var ci = 0
            while ci + 16 <= cin {
              s0 += weights.vector(ci) * input.vector(ci)
              s1 += weights.vector(ci + 8) * input.vector(ci + 8)
              ci += 16
            }
            var sum = (s0 + s1).sum()
            while ci < cin {
              sum += weights[ci] * input[ci]
              ci += 1
            }
            y[co * positions + p] = sum + (bias?[co] ?? 0)
          }
        }
      }
    }
  }
}
