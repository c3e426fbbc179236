import CostModel

/// One measured configuration: what it asks of the machine and how long it took.
public struct LatencySample: Sendable {
  /// Names the configuration in errors and reports (its key).
  public var label: String
  public var work: NetworkWork
  public var seconds: Double

  public init(label: String, work: NetworkWork, seconds: Double) {
    self.label = label
    self.work = work
    self.seconds = seconds
  }
}

/// Fits the per-class parameters `e, m, o` of the roofline to measured latencies, minimising the sum of squared
/// relative errors `Σ ((predicted − measured)/measured)²`.
///
/// The model is linear in `x = 1/(P·e)`, `y = 1/(W·m)` and `o` once it is known which term of each node's `max`
/// is the larger: a measured network is `Σ_k x_k·ΣF(compute-bound nodes of k) + y_k·ΣB(memory-bound nodes of k) +
/// o_k·(nodes of k)`. The fit alternates: classify every node with the current parameters, solve the bounded
/// linear least-squares problem (`x, y` at least 1/1000 of their roofline values, `o ≥ 0`; a tiny ridge towards the
/// current values keeps a parameter that no node constrains where it is), repeat until no node changes side (at
/// most 40 rounds), and keeps the best fit seen. Three parameters per class that occurs in the samples.
public enum Calibration {
  /// The number of parameters fitted to `samples`: three per class that occurs.
  public static func parameterCount(_ samples: [LatencySample]) -> Int {
    3 * samples.reduce(into: Set<NodeClass>()) { $0.formUnion($1.work.classes) }.count
  }

  /// `base` with calibrated classes, fitted to `samples` at `elementType`.
  public static func fit(_ samples: [LatencySample], base: HardwareProfile, elementType: ElementType)
    throws(LatencyError) -> HardwareProfile
  {
    for sample in samples where !(sample.seconds.isFinite && sample.seconds > 0) {
      throw .invalidMeasurement(configuration: sample.label, value: sample.seconds)
    }
    let parameters = parameterCount(samples)
    guard samples.count >= parameters, !samples.isEmpty else {
      throw .tooFewMeasurements(count: samples.count, parameters: parameters)
    }
    let peak = try base.peak(elementType)
    let classes = NodeClass.allCases
    // θ = (x, y, o) per class, in NodeClass.allCases order.
    var theta = classes.flatMap { nodeClass -> [Double] in
      let p = base.parameters(nodeClass)
      return [
        1 / (peak * p.computeEfficiency), 1 / (base.memoryBytesPerSecond * p.memoryEfficiency), p.overheadSeconds,
      ]
    }
    let lower = classes.flatMap { _ -> [Double] in [1e-3 / peak, 1e-3 / base.memoryBytesPerSecond, 0] }
    var best = (error: Double.infinity, theta: theta)
    var previousSides: [Bool] = []
    for _ in 0..<40 {
      var sides: [Bool] = []
      let rows = samples.map { sample -> [Double] in
        var row = [Double](repeating: 0, count: theta.count)
        for node in sample.work.nodes {
          let k = node.nodeClass.index * 3
          let computeBound = Double(node.flops) * theta[k] >= Double(node.bytes) * theta[k + 1]
          sides.append(computeBound)
          if computeBound { row[k] += Double(node.flops) } else { row[k + 1] += Double(node.bytes) }
          row[k + 2] += 1
        }
        return row.map { $0 / sample.seconds }
      }
      theta = BoundedLeastSquares.solve(rows: rows, target: 1, start: theta, lower: lower)
      let error = relativeError(samples, theta)
      if error < best.error { best = (error, theta) }
      if sides == previousSides { break }
      previousSides = sides
    }
    var profile = base
    for nodeClass in classes {
      let k = nodeClass.index * 3
      profile.classes[nodeClass] = ClassParameters(
        computeEfficiency: 1 / (best.theta[k] * peak),
        memoryEfficiency: 1 / (best.theta[k + 1] * base.memoryBytesPerSecond),
        overheadSeconds: best.theta[k + 2])
    }
    return profile
  }

  /// `Σ ((predicted − measured)/measured)²` with parameters θ, each node on its larger side.
  static func relativeError(_ samples: [LatencySample], _ theta: [Double]) -> Double {
    samples.reduce(0) { sum, sample in
      let predicted = sample.work.nodes.reduce(0.0) { time, node in
        let k = node.nodeClass.index * 3
        return time + max(Double(node.flops) * theta[k], Double(node.bytes) * theta[k + 1]) + theta[k + 2]
      }
      let relative = (predicted - sample.seconds) / sample.seconds
      return sum + relative * relative
    }
  }
}
