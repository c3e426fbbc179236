/// The 1×1×1 convolution as a matrix product, per sample: `Y[co][p] = bias[co] + Σ_ci W[co][ci]·X[ci][p]` with
/// `X` of `Cin × P` and `Y` of `Cout × P` (channel-first rows of `P = T·H·W` positions).
///
/// The weights are packed six output channels at a time (`[co/6][ci][6]`); each block of 16 positions is copied to
/// a contiguous, zero-padded `Cin × 16` panel that stays in L1 while every 6-channel tile runs over it with 12 SIMD8
/// accumulators (`acc.addProduct(x, w)`, one fused multiply-add). Position blocks run in parallel. Fewer than 4 positions (squeeze-excitation, the
/// head after pooling) use dot products instead.
enum PointwiseConvolution {
  static let tileRows = 6
  static let tileColumns = 16

  static func run(
    x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>,
    cin: Int, cout: Int, positions: Int, threads: Int
  ) {
    if positions < 4 {
      dotProducts(x: x, w: w, bias: bias, y: y, cin: cin, cout: cout, positions: positions, threads: threads)
      return
    }
    let tiles = cout / tileRows
    let packed = UnsafeMutablePointer<Float>.allocate(capacity: max(1, tiles * cin * tileRows))
    defer { packed.deallocate() }
    for tile in 0..<tiles {
      for ci in 0..<cin {
        for r in 0..<tileRows { packed[(tile * cin + ci) * tileRows + r] = w[(tile * tileRows + r) * cin + ci] }
      }
    }
    let weights = UnsafePointer(packed)
    let columnBlocks = (positions + tileColumns - 1) / tileColumns
    parallelChunks(columnBlocks, threads: threads) { blocks in
      let panel = UnsafeMutablePointer<Float>.allocate(capacity: cin * tileColumns)
      defer { panel.deallocate() }
      for block in blocks {
        let column = block * tileColumns
        let columns = min(tileColumns, positions - column)
        for ci in 0..<cin {
          let source = x + ci * positions + column
          let target = panel + ci * tileColumns
          if columns == tileColumns {
            target.update(from: source, count: tileColumns)
          } else {
            target.initialize(repeating: 0, count: tileColumns)
            target.update(from: source, count: columns)
          }
        }
        for tile in 0..<tiles {
          let row = tile * tileRows
          tile6(
            panel, weights + tile * cin * tileRows, cin, bias.map { $0 + row }, y + row * positions + column, positions,
            columns)
        }
        for row in (tiles * tileRows)..<cout {
          tile1(panel, w + row * cin, cin, bias.map { $0 + row }, y + row * positions + column, positions, columns)
        }
      }
    }
  }

  /// 6 rows × 16 columns: 12 accumulators; `w` packed `[ci][6]`. (Not inlined: inlining it into the parallel
  /// closure crashes the Swift 6.3 optimizer in IRGen, and one call per tile costs nothing measurable.)
  @inline(never)
  static func tile6(
    _ panel: UnsafeMutablePointer<Float>, _ w: UnsafePointer<Float>, _ cin: Int, _ bias: UnsafePointer<Float>?,
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
    var row = panel
    var ws = w
    for _ in 0..<cin {
      let lo = row.vector(0)
      let hi = row.vector(8)
      let s0 = Vector(repeating: ws[0])
      let s1 = Vector(repeating: ws[1])
      let s2 = Vector(repeating: ws[2])
      a0.addProduct(lo, s0)
      b0.addProduct(hi, s0)
      a1.addProduct(lo, s1)
      b1.addProduct(hi, s1)
      a2.addProduct(lo, s2)
      b2.addProduct(hi, s2)
      let s3 = Vector(repeating: ws[3])
      let s4 = Vector(repeating: ws[4])
      let s5 = Vector(repeating: ws[5])
      a3.addProduct(lo, s3)
      b3.addProduct(hi, s3)
      a4.addProduct(lo, s4)
      b4.addProduct(hi, s4)
      a5.addProduct(lo, s5)
      b5.addProduct(hi, s5)
      row += tileColumns
      ws += tileRows
    }
    store(a0, b0, y, columns)
    store(a1, b1, y + yStride, columns)
    store(a2, b2, y + 2 * yStride, columns)
    store(a3, b3, y + 3 * yStride, columns)
    store(a4, b4, y + 4 * yStride, columns)
    store(a5, b5, y + 5 * yStride, columns)
  }

  /// 1 row × 16 columns, for the rows left over by 6-row tiles.
  @inline(never)
  static func tile1(
    _ panel: UnsafeMutablePointer<Float>, _ w: UnsafePointer<Float>, _ cin: Int, _ bias: UnsafePointer<Float>?,
    _ y: UnsafeMutablePointer<Float>, _ yStride: Int, _ columns: Int
  ) {
    var a = Vector(repeating: bias?[0] ?? 0)
    var b = a
    var row = panel
    for ci in 0..<cin {
      let s = Vector(repeating: w[ci])
      a.addProduct(row.vector(0), s)
      b.addProduct(row.vector(8), s)
      row += tileColumns
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
              s0.addProduct(weights.vector(ci), input.vector(ci))
              s1.addProduct(weights.vector(ci + 8), input.vector(ci + 8))
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
