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
/// relative errors `Σ ((predicted − measured)/measured)²` plus a shrinkage penalty.
///
/// The model is linear in `x = 1/(P·e)`, `y = 1/(W·m)` and `o` once it is known which term of each node's `max`
/// is the larger: a measured network is `Σ_k x_k·ΣF(compute-bound nodes of k) + y_k·ΣB(memory-bound nodes of k) +
/// o_k·(nodes of k)`, `F` the priced FLOPs (``Roofline/pricedFlops(_:rowWidth:nodeClass:)``: the base profile's
/// ``HardwareProfile/rowVectorLanes`` is kept, not fitted). Each fit alternates: classify every node with the current parameters, solve the bounded
/// linear least-squares problem (`x, y` at least 1/1000 of their roofline values, `o ≥ 0`), repeat until no node
/// changes side (at most 40 rounds), keep the best fit seen.
///
/// Two stages, because the classes' sums grow together across a family of networks and 18 free parameters would
/// chase noise: first one `(x, y, o)` shared by every class (best of three starts: the base profile, every node
/// compute-bound, every node memory-bound); then per-class parameters with the penalty
/// `λ·Σ_j ((θ_j − shared_j)/scale_j)²` pulling each towards the shared value (`scale_j` the shared value, or for an
/// overhead of zero the mean latency per node). `λ` is chosen from {0, 0.01, 0.1, 1, 10} by two-fold cross-validation
/// inside the samples given (never the held-out ones), and so is how a node's two terms combine: the roofline's
/// `max` (memory traffic hidden behind arithmetic) or their sum (``HardwareProfile/memoryOverlapsCompute``; with the
/// sum the model is linear and no node changes side). Three parameters per class that occurs.
public enum Calibration {
  /// The number of parameters fitted to `samples`: three per class that occurs.
  public static func parameterCount(_ samples: [LatencySample]) -> Int {
    3 * samples.reduce(into: Set<NodeClass>()) { $0.formUnion($1.work.classes) }.count
  }

  static let penalties = [0, 0.01, 0.1, 1, 10.0]

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
    // The two ways a node's terms combine (the larger, or the sum), each with its best penalty; the pair with the
    // smaller cross-validated error inside `samples` is fitted to all of them.
    let problem = [true, false].map { overlap -> (problem: Problem, penalty: Double, error: Double) in
      var candidate = base
      candidate.memoryOverlapsCompute = overlap
      let problem = Problem(base: candidate, peak: peak)
      let (penalty, error) = problem.choosePenalty(samples)
      return (problem, penalty, error)
    }.min { $0.error < $1.error }!
    let theta = problem.problem.fit(samples, penalty: problem.penalty)
    var profile = problem.problem.base
    for nodeClass in NodeClass.allCases {
      let k = nodeClass.index * 3
      profile.classes[nodeClass] = ClassParameters(
        computeEfficiency: 1 / (theta[k] * peak),
        memoryEfficiency: 1 / (theta[k + 1] * base.memoryBytesPerSecond),
        overheadSeconds: theta[k + 2])
    }
    return profile
  }

  /// The fitting problem of one base profile; θ = (x, y, o) per class in ``NodeClass/allCases`` order.
  struct Problem {
    let base: HardwareProfile
    let peak: Double

    var start: [Double] {
      NodeClass.allCases.flatMap { nodeClass -> [Double] in
        let p = base.parameters(nodeClass)
        return [
          1 / (peak * p.computeEfficiency), 1 / (base.memoryBytesPerSecond * p.memoryEfficiency), p.overheadSeconds,
        ]
      }
    }
    var lower: [Double] {
      NodeClass.allCases.flatMap { _ -> [Double] in [1e-3 / peak, 1e-3 / base.memoryBytesPerSecond, 0] }
    }

    /// The penalty with the smallest two-fold cross-validated squared relative error on `samples`, and that error.
    func choosePenalty(_ samples: [LatencySample]) -> (penalty: Double, error: Double) {
      let sorted = samples.sorted { $0.seconds < $1.seconds }
      var best = (penalty: Calibration.penalties.last!, error: Double.infinity)
      for penalty in Calibration.penalties {
        var error = 0.0
        for fold in 0..<2 {
          let train = sorted.enumerated().filter { $0.offset % 2 != fold }.map(\.element)
          let test = sorted.enumerated().filter { $0.offset % 2 == fold }.map(\.element)
          error += relativeError(test, fit(train, penalty: penalty))
        }
        if error < best.error { best = (penalty, error) }
      }
      return best
    }

    /// Shared parameters first, then per-class ones shrunk towards them with `penalty`.
    func fit(_ samples: [LatencySample], penalty: Double) -> [Double] {
      let classes = NodeClass.allCases.count
      // The alternation cannot learn a term no node is on the side of, so the shared fit starts three ways: from the
      // base profile, with every node compute-bound (bandwidth term at its bound) and with every node memory-bound.
      let lower = self.lower
      let initial = start
      let computeBound: [Double] = initial.indices.map { $0 % 3 == 1 ? lower[$0] : initial[$0] }
      let memoryBound: [Double] = initial.indices.map { $0 % 3 == 0 ? lower[$0] : initial[$0] }
      let starts: [[Double]] = [initial, computeBound, memoryBound]
      let shared = starts.map { alternate(samples, theta: $0, tied: true, prior: nil, penalty: 0) }
        .min { relativeError(samples, $0) < relativeError(samples, $1) }!
      let meanPerNode =
        samples.reduce(0) { $0 + $1.seconds / Double(max($1.work.nodes.count, 1)) } / Double(samples.count)
      let scales = (0..<(3 * classes)).map { shared[$0] > 0 ? shared[$0] : meanPerNode }
      return alternate(samples, theta: shared, tied: false, prior: (shared, scales), penalty: penalty)
    }

    /// The alternating fit: classify nodes, solve, repeat; `tied` makes every class share class 0's parameters.
    func alternate(
      _ samples: [LatencySample], theta start: [Double], tied: Bool, prior: ([Double], [Double])?, penalty: Double
    ) -> [Double] {
      var theta = start
      let lower = self.lower
      var best = (error: Double.infinity, theta: theta)
      var previousSides: [Bool] = []
      for _ in 0..<40 {
        var sides: [Bool] = []
        var rows = samples.map { sample -> [Double] in
          var row = [Double](repeating: 0, count: theta.count)
          for node in sample.work.nodes {
            let k = node.nodeClass.index * 3
            let flops = Roofline.pricedFlops(
              node.flops, rowWidth: node.rowWidth, nodeClass: node.nodeClass, lanes: base.rowVectorLanes)
            let computeBound = flops * theta[k] >= Double(node.bytes) * theta[k + 1]
            sides.append(computeBound)
            let column = tied ? 0 : k
            if !base.memoryOverlapsCompute {
              row[column] += flops
              row[column + 1] += Double(node.bytes)
            } else if computeBound {
              row[column] += flops
            } else {
              row[column + 1] += Double(node.bytes)
            }
            row[column + 2] += 1
          }
          return row.map { $0 / sample.seconds }
        }
        var targets = [Double](repeating: 1, count: rows.count)
        if let (center, scales) = prior, penalty > 0 {
          let weight = (penalty * Double(samples.count) / Double(theta.count)).squareRoot()
          for j in theta.indices {
            var row = [Double](repeating: 0, count: theta.count)
            row[j] = weight / scales[j]
            rows.append(row)
            targets.append(weight * center[j] / scales[j])
          }
        }
        let solved = BoundedLeastSquares.solve(
          rows: tied ? rows.map { Array($0[0..<3]) } : rows, targets: targets,
          start: tied ? Array(theta[0..<3]) : theta, lower: tied ? Array(lower[0..<3]) : lower)
        theta = tied ? (0..<theta.count).map { solved[$0 % 3] } : solved
        let error = relativeError(samples, theta)
        if error < best.error { best = (error, theta) }
        if sides == previousSides { break }
        previousSides = sides
      }
      return best.theta
    }

    /// `Σ ((predicted − measured)/measured)²` with parameters θ: each node's terms combined as the base profile's
    /// ``HardwareProfile/memoryOverlapsCompute`` says, FLOPs priced for its ``HardwareProfile/rowVectorLanes``.
    func relativeError(_ samples: [LatencySample], _ theta: [Double]) -> Double {
      samples.reduce(0) { sum, sample in
        let predicted = sample.work.nodes.reduce(0.0) { time, node in
          let k = node.nodeClass.index * 3
          let flops = Roofline.pricedFlops(
            node.flops, rowWidth: node.rowWidth, nodeClass: node.nodeClass, lanes: base.rowVectorLanes)
          let (compute, memory) = (flops * theta[k], Double(node.bytes) * theta[k + 1])
          return time + (base.memoryOverlapsCompute ? max(compute, memory) : compute + memory) + theta[k + 2]
        }
        let relative = (predicted - sample.seconds) / sample.seconds
        return sum + relative * relative
      }
    }
  }
}
