import CostModel
import Foundation
import X3DModel

/// Scores a candidate by running an external command built from a template; the last non-empty line of its
/// standard output is the score.
///
/// Fields (``fieldNames``): the resolved hyperparameters, the six γ (canonical decimals, as printed everywhere),
/// every whole-network ``CostField`` by its name (`{macs}`, `{params}`, `{inference_peak_bytes}`, …), `{key}` and
/// `{impl}`. Substitution and brace escapes follow ``CommandTemplate``. The command runs with `/bin/sh -c` in a
/// process group of its own (``ShellCommand``), `jobs` at a time. A non-zero exit, a time-out or a last line that
/// is not a finite number marks the candidate failed, keeping its standard error.
public struct CommandCriterion: Criterion {
  public let template: CommandTemplate
  public let jobs: Int
  /// Seconds before a command's process group is ended; nil: no limit.
  public let timeout: Double?

  public init(template: String, jobs: Int = 1, timeout: Double? = nil) throws(SearchError) {
    guard jobs >= 1 else { throw .invalidSetting(name: "--jobs", value: "\(jobs)", reason: "must be at least 1") }
    if let timeout, !(timeout.isFinite && timeout > 0) {
      throw .invalidSetting(name: "--timeout", value: "\(timeout)", reason: "must be a positive number of seconds")
    }
    self.template = try CommandTemplate(template, known: Self.fieldNames)
    self.jobs = jobs
    self.timeout = timeout
  }

  public var cacheKey: String { "cmd:" + template.text }

  /// Every field a template may use.
  public static let fieldNames: Set<String> = Set(
    [
      "frames", "crop", "sampling_rate", "width_factor", "depth_factor", "bottleneck_factor", "classes", "gamma_tau",
      "gamma_t", "gamma_s", "gamma_w", "gamma_b", "gamma_d", "key", "impl",
    ] + CostField.networkTotals.map(\.name))

  /// The text of every field for `candidate`.
  public static func fields(of candidate: Candidate) -> [String: String] {
    let c = candidate.configuration
    let g = candidate.vector
    let decimal = { (value: Double) in CanonicalDecimal.text(value) }
    var fields = [
      "frames": "\(c.frames)", "crop": "\(c.crop)", "sampling_rate": decimal(c.samplingRate),
      "width_factor": decimal(c.widthFactor), "depth_factor": decimal(c.depthFactor),
      "bottleneck_factor": decimal(c.bottleneckFactor), "classes": "\(c.classes)", "gamma_tau": decimal(g.gammaTau),
      "gamma_t": decimal(g.gammaT), "gamma_s": decimal(g.gammaS), "gamma_w": decimal(g.gammaW),
      "gamma_b": decimal(g.gammaB), "gamma_d": decimal(g.gammaD), "key": candidate.key,
      "impl": c.implementation.rawValue,
    ]
    // Every whole-network cost field, under its name (`{macs}`, `{params}`, `{inference_peak_bytes}`, …).
    for field in CostField.networkTotals { fields[field.name] = "\(candidate.totals[field])" }
    return fields
  }

  /// The command line for `candidate`.
  public func command(for candidate: Candidate) -> String { template.render(Self.fields(of: candidate)) }

  public func score(_ candidates: [Candidate]) -> [ScoreOutcome?] {
    score(candidates, shouldStop: { false }, report: { _, _ in })
  }

  /// Runs the commands `jobs` at a time, reporting each outcome as its command ends. Once `shouldStop` is true no
  /// command starts, and the running ones are ended; their candidates get nil.
  public func score(
    _ candidates: [Candidate], shouldStop: @escaping @Sendable () -> Bool,
    report: @escaping @Sendable (Int, ScoreOutcome) -> Void
  ) -> [ScoreOutcome?] {
    let results = ResultBox(count: candidates.count)
    let semaphore = DispatchSemaphore(value: jobs)
    let group = DispatchGroup()
    for (index, candidate) in candidates.enumerated() {
      var acquired = false
      while !acquired && !shouldStop() { acquired = semaphore.wait(timeout: .now() + 0.1) == .success }
      if acquired && shouldStop() { semaphore.signal() }
      if !acquired || shouldStop() { break }
      group.enter()
      let command = self.command(for: candidate)
      let timeout = self.timeout
      Thread.detachNewThread {
        if let outcome = Self.run(command, timeout: timeout, shouldStop: shouldStop) {
          results.set(index, outcome)
          report(index, outcome)
        }
        semaphore.signal()
        group.leave()
      }
    }
    group.wait()
    return results.values
  }

  /// Runs one command and reads its score; nil when it was ended by `shouldStop`.
  static func run(_ command: String, timeout: Double?, shouldStop: @Sendable () -> Bool = { false }) -> ScoreOutcome? {
    let result = ShellCommand.run(command, timeout: timeout, shouldStop: shouldStop)
    let stderr = String(decoding: result.standardError, as: UTF8.self)
    switch result.ending {
    case .interrupted: return nil
    case .timedOut:
      return .failed(reason: "timed out after \(CanonicalDecimal.text(timeout ?? 0)) s", detail: stderr)
    case .signaled(let signal): return .failed(reason: "killed by signal \(signal)", detail: stderr)
    case .exited(let status) where status != 0: return .failed(reason: "exit status \(status)", detail: stderr)
    case .exited: break
    }
    let stdout = String(decoding: result.standardOutput, as: UTF8.self)
    let lastLine = stdout.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) }
    guard let lastLine, let score = Double(lastLine.trimmingCharacters(in: .whitespaces)), score.isFinite else {
      let shown = lastLine.map { "'\($0)'" } ?? "nothing"
      return .failed(reason: "the last line of output is not a number (got \(shown))", detail: stderr)
    }
    return .scored(score)
  }
}

/// Collects results from several threads.
final class ResultBox: @unchecked Sendable {
  private let lock = NSLock()
  private var storage: [ScoreOutcome?]
  init(count: Int) { storage = Array(repeating: nil, count: count) }
  func set(_ index: Int, _ value: ScoreOutcome) { lock.withLock { storage[index] = value } }
  var values: [ScoreOutcome?] { lock.withLock { storage } }
}
