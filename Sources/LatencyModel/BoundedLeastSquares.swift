/// `min ‖A·θ − b‖² + λ‖D(θ − θ₀)‖²` (b: `targets`, one per row) subject to `θ ≥ lower`, for a few parameters (up to a few dozen).
///
/// Columns are scaled to unit norm (D is the identity in scaled units, λ = 1e-9 of the problem's scale), the normal
/// equations solved by Gaussian elimination with partial pivoting. Bounds by an active set: solve with the free
/// parameters, pin the one furthest below its bound to the bound, repeat; then release any pinned parameter whose
/// gradient points inside the feasible set and repeat (Lawson–Hanson's idea, with few enough parameters that the
/// plain loop is fast).
enum BoundedLeastSquares {
  static func solve(rows: [[Double]], targets: [Double], start: [Double], lower: [Double]) -> [Double] {
    let n = start.count
    var scale = [Double](repeating: 1, count: n)
    for j in 0..<n {
      let norm = rows.reduce(0) { $0 + $1[j] * $1[j] }.squareRoot()
      if norm > 0 { scale[j] = norm }
    }
    // In scaled units u_j = θ_j·scale_j; column j of A divided by scale_j.
    let a = rows.map { row in (0..<n).map { row[$0] / scale[$0] } }
    let u0 = (0..<n).map { start[$0] * scale[$0] }
    let lowerU = (0..<n).map { lower[$0] * scale[$0] }
    let lambda = 1e-9 * Double(max(rows.count, 1))
    var pinned = Set<Int>()
    var u = u0
    for _ in 0..<(4 * n + 4) {
      let free = (0..<n).filter { !pinned.contains($0) }
      // Normal equations on the free set, pinned values moved to the right-hand side.
      var m = [[Double]](repeating: [Double](repeating: 0, count: free.count + 1), count: free.count)
      for (row, target) in zip(a, targets) {
        var residual = target
        for j in pinned { residual -= row[j] * lowerU[j] }
        for (p, i) in free.enumerated() {
          for (q, j) in free.enumerated() { m[p][q] += row[i] * row[j] }
          m[p][free.count] += row[i] * residual
        }
      }
      for (p, i) in free.enumerated() {
        m[p][p] += lambda
        m[p][free.count] += lambda * u0[i]
      }
      let solution = gauss(m)
      var candidate = u
      for j in pinned { candidate[j] = lowerU[j] }
      for (p, i) in free.enumerated() { candidate[i] = solution[p] }
      if let worst = free.filter({ candidate[$0] < lowerU[$0] }).min(by: {
        candidate[$0] - lowerU[$0] < candidate[$1] - lowerU[$1]
      }) {
        pinned.insert(worst)
        continue
      }
      u = candidate
      // Release a pinned parameter if moving it up would lower the objective.
      let gradient = (0..<n).map { j in
        zip(a, targets).reduce(0.0) { sum, pair in
          sum + pair.0[j] * ((0..<n).reduce(0.0) { $0 + pair.0[$1] * u[$1] } - pair.1)
        } + lambda * (u[j] - u0[j])
      }
      if let release = pinned.filter({ gradient[$0] < -1e-12 }).min(by: { gradient[$0] < gradient[$1] }) {
        pinned.remove(release)
        continue
      }
      break
    }
    return (0..<n).map { max(lower[$0], u[$0] / scale[$0]) }
  }

  /// Solves the augmented system `[M | r]` by Gaussian elimination with partial pivoting; a singular pivot gives 0.
  static func gauss(_ system: [[Double]]) -> [Double] {
    var m = system
    let n = m.count
    for column in 0..<n {
      let pivot = (column..<n).max { abs(m[$0][column]) < abs(m[$1][column]) }!
      m.swapAt(column, pivot)
      guard abs(m[column][column]) > 1e-300 else { continue }
      for row in (column + 1)..<n {
        let factor = m[row][column] / m[column][column]
        if factor == 0 { continue }
        for k in column...n { m[row][k] -= factor * m[column][k] }
      }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
      guard abs(m[row][row]) > 1e-300 else { continue }
      var sum = m[row][n]
      for k in (row + 1)..<n { sum -= m[row][k] * x[k] }
      x[row] = sum / m[row][row]
    }
    return x
  }
}
