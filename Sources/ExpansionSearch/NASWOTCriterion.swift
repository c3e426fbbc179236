import Foundation
import ReferenceExecutor
import X3DModel

/// A training-free proxy score: NASWOT (Mellor, Turner, Storkey, Crowley, "Neural Architecture Search without
/// Training", ICML 2021), computed with the reference executor on random inputs. It is a proxy, not accuracy: it
/// measures how differently the untrained network's ReLUs partition a mini-batch.
///
/// For a batch of `N` random clips (uniform in [−1, 1), ``SplitMix64`` seeded with `seed + 1`) through the network
/// with seeded weights (``ModelWeights/seeded(_:seed:)``), each clip `i` gets a binary code `cᵢ`: one bit per ReLU
/// output element (every ReLU node of the graph), set when the element is positive. The kernel is
/// `K[i][j] = number of ReLU elements where cᵢ and cⱼ agree` (`N_A − Hamming(cᵢ, cⱼ)`), and the score is
/// `log |det K|` (natural log). The network runs at the candidate's own frames and crop.
public struct NASWOTCriterion: Criterion {
  public let batch: Int
  public let seed: UInt64
  public let backend: BackendKind
  public let threads: Int

  public init(batch: Int = 8, seed: UInt64 = 0, backend: BackendKind = .fast, threads: Int = 2) throws(SearchError) {
    guard (2...16).contains(batch) else {
      throw .invalidSetting(name: "--proxy-batch", value: "\(batch)", reason: "must be between 2 and 16")
    }
    self.batch = batch
    self.seed = seed
    self.backend = backend
    self.threads = threads
  }

  public var cacheKey: String { "naswot:batch\(batch):seed\(seed)" }

  public func score(_ candidates: [Candidate]) -> [ScoreOutcome?] {
    candidates.map { candidate in
      do {
        return .scored(try logDeterminantScore(candidate.configuration))
      } catch {
        return .failed(reason: "NASWOT: \(error)", detail: "")
      }
    }
  }

  /// `log |det K|` for `configuration` at this criterion's batch.
  public func logDeterminantScore(_ configuration: ModelConfiguration) throws -> Double {
    var batched = configuration
    batched.batch = batch
    let graph = try LayerGraph(batched)
    let weights = ModelWeights.seeded(graph, seed: seed)
    let executor = Executor(graph: graph, weights: weights, backend: backend.make(threads: threads))
    let input = try Tensor.uniform(graph.input.outputShape, seed: seed &+ 1)
    var histogram = [Int](repeating: 0, count: 1 << batch)
    _ = try executor.run(input, checkFinite: false) { node, output in
      guard case .relu = node.kind else { return }
      Self.accumulate(output, batch: batch, into: &histogram)
    }
    let kernel = Self.kernel(histogram, batch: batch)
    guard let value = Self.logAbsDeterminant(kernel), value.isFinite else {
      throw SearchError.criterion("the ReLU kernel is singular (every clip activates the same units)")
    }
    return value
  }

  /// Adds each element position's activation pattern across the batch (bit i: clip i positive) to `histogram`.
  public static func accumulate(_ tensor: Tensor, batch: Int, into histogram: inout [Int]) {
    let perSample = tensor.scalars.count / batch
    tensor.scalars.withUnsafeBufferPointer { x in
      for e in 0..<perSample {
        var pattern = 0
        for i in 0..<batch where x[i * perSample + e] > 0 { pattern |= 1 << i }
        histogram[pattern] += 1
      }
    }
  }

  /// `K[i][j] = Σ over patterns of count · [bit i == bit j]`.
  public static func kernel(_ histogram: [Int], batch: Int) -> [[Double]] {
    var k = [[Double]](repeating: [Double](repeating: 0, count: batch), count: batch)
    for (pattern, count) in histogram.enumerated() where count > 0 {
      for i in 0..<batch {
        for j in 0..<batch where (pattern >> i) & 1 == (pattern >> j) & 1 {
          k[i][j] += Double(count)
        }
      }
    }
    return k
  }

  /// `log |det m|` by LU decomposition with partial pivoting; nil when `m` is singular.
  public static func logAbsDeterminant(_ m: [[Double]]) -> Double? {
    var a = m
    let n = a.count
    var sum = 0.0
    for column in 0..<n {
      let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) }!
      if a[pivot][column] == 0 { return nil }
      a.swapAt(pivot, column)
      sum += log(abs(a[column][column]))
      for row in (column + 1)..<n {
        let factor = a[row][column] / a[column][column]
        for k in column..<n { a[row][k] -= factor * a[column][k] }
      }
    }
    return sum
  }
}
