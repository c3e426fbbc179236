import CostModel

/// Accuracy of calibrated predictions on configurations the fit did not see.
///
/// The samples are sorted by measured latency and dealt round-robin into `folds` folds (so every fold spans the
/// range); each fold is predicted by a profile fitted to the others. With two folds: calibrate on half, predict the
/// other half, and the other way round.
public struct CrossValidation: Sendable {
  public struct Prediction: Sendable {
    public var label: String
    public var measuredSeconds: Double
    public var predictedSeconds: Double
    public var macs: Int
    /// `(predicted − measured)/measured`.
    public var relativeError: Double { (predictedSeconds - measuredSeconds) / measuredSeconds }
  }

  public var folds: Int
  /// One per sample, each from the fold that held it out.
  public var predictions: [Prediction]

  public init(_ samples: [LatencySample], base: HardwareProfile, elementType: ElementType, folds: Int)
    throws(LatencyError)
  {
    let sorted = samples.sorted { $0.seconds < $1.seconds }
    let parameters = Calibration.parameterCount(samples)
    let training = sorted.count - (sorted.count + folds - 1) / max(folds, 1)
    guard folds >= 2, training >= parameters else {
      throw .tooFewForFolds(count: samples.count, folds: folds, training: max(training, 0), parameters: parameters)
    }
    self.folds = folds
    predictions = []
    for fold in 0..<folds {
      let train = sorted.enumerated().filter { $0.offset % folds != fold }.map(\.element)
      let test = sorted.enumerated().filter { $0.offset % folds == fold }.map(\.element)
      let profile = try Calibration.fit(train, base: base, elementType: elementType)
      let roofline = try Roofline(profile, elementType: elementType)
      for sample in test {
        predictions.append(
          Prediction(
            label: sample.label, measuredSeconds: sample.seconds, predictedSeconds: sample.work.seconds(on: roofline),
            macs: sample.work.macs))
      }
    }
  }

  /// The share of predictions within `±tolerance` (0.1 for ±10%) of the measurement.
  public func shareWithin(_ tolerance: Double) -> Double {
    Double(predictions.filter { abs($0.relativeError) <= tolerance }.count) / Double(predictions.count)
  }

  /// The median of `|predicted − measured| / measured`.
  public var medianAbsoluteRelativeError: Double {
    let errors = predictions.map { abs($0.relativeError) }.sorted()
    let n = errors.count
    return n % 2 == 1 ? errors[n / 2] : (errors[n / 2 - 1] + errors[n / 2]) / 2
  }

  /// Kendall's τ-b between predicted and measured latency.
  public var tauPredicted: Double {
    KendallTau.tauB(predictions.map(\.predictedSeconds), predictions.map(\.measuredSeconds))
  }

  /// Kendall's τ-b between multiply-adds and measured latency (the baseline a latency model must beat).
  public var tauMACs: Double {
    KendallTau.tauB(predictions.map { Double($0.macs) }, predictions.map(\.measuredSeconds))
  }
}

/// Kendall's rank correlation.
public enum KendallTau {
  /// τ-b = (concordant − discordant) / √((n₀ − ties in a)(n₀ − ties in b)), n₀ = n(n−1)/2; 0 when either side is
  /// constant.
  public static func tauB(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    var concordant = 0
    var discordant = 0
    var tiesA = 0
    var tiesB = 0
    for i in 0..<a.count {
      for j in (i + 1)..<a.count {
        let da = a[i] - a[j]
        let db = b[i] - b[j]
        if da == 0 { tiesA += 1 }
        if db == 0 { tiesB += 1 }
        if da == 0 || db == 0 { continue }
        if (da > 0) == (db > 0) { concordant += 1 } else { discordant += 1 }
      }
    }
    let pairs = a.count * (a.count - 1) / 2
    let denominator = (Double(pairs - tiesA) * Double(pairs - tiesB)).squareRoot()
    return denominator == 0 ? 0 : Double(concordant - discordant) / denominator
  }
}
