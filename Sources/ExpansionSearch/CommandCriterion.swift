import Foundation
import X3DModel

/// Scores a candidate by running an external command built from a template; the last non-empty line of its
/// standard output is the score.
///
/// Placeholders: `{frames} {crop} {sampling_rate} {width_factor} {depth_factor} {bottleneck_factor} {classes}
/// {gamma_tau} {gamma_t} {gamma_s} {gamma_w} {gamma_b} {gamma_d} {macs} {params} {key} {impl}`. The command runs
/// with `/bin/sh -c`, `jobs` at a time. A non-zero exit, a time-out or a last line that is not a finite number marks
/// the candidate failed, keeping its standard error. Numbers are substituted as they are; a value with other
/// characters (the `{key}`) is single-quoted for the shell.
public struct CommandCriterion: Criterion {
  public let template: String
  public let jobs: Int
  /// Seconds before a command is killed; nil: no limit.
  public let timeout: Double?

  public init(template: String, jobs: Int = 1, timeout: Double? = nil) throws(SearchError) {
    guard jobs >= 1 else { throw .invalidSetting(name: "--jobs", value: "\(jobs)", reason: "must be at least 1") }
    if let timeout, !(timeout.isFinite && timeout > 0) {
      throw .invalidSetting(name: "--timeout", value: "\(timeout)", reason: "must be a positive number of seconds")
    }
    let unknown = Self.fieldNames(in: template).subtracting(Self.known)
    if !unknown.isEmpty {
      throw .invalidSetting(
        name: "--criterion-cmd", value: template,
        reason: "unknown field(s) \(unknown.sorted().map { "{\($0)}" }.joined(separator: ", ")); "
          + "known: \(Self.known.sorted().map { "{\($0)}" }.joined(separator: " "))")
    }
    self.template = template
    self.jobs = jobs
    self.timeout = timeout
  }

  public var cacheKey: String { "cmd:" + template }

  static let known: Set<String> = [
    "frames", "crop", "sampling_rate", "width_factor", "depth_factor", "bottleneck_factor", "classes", "gamma_tau",
    "gamma_t", "gamma_s", "gamma_w", "gamma_b", "gamma_d", "macs", "params", "key", "impl",
  ]

  static func fieldNames(in template: String) -> Set<String> {
    var names: Set<String> = []
    var rest = template[...]
    while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
      names.insert(String(rest[rest.index(after: open)..<close]))
      rest = rest[rest.index(after: close)...]
    }
    return names
  }

  /// The command line for `candidate`.
  public func command(for candidate: Candidate) -> String {
    let c = candidate.configuration
    let g = candidate.vector
    let values: [String: String] = [
      "frames": "\(c.frames)", "crop": "\(c.crop)", "sampling_rate": "\(c.samplingRate)",
      "width_factor": "\(c.widthFactor)", "depth_factor": "\(c.depthFactor)",
      "bottleneck_factor": "\(c.bottleneckFactor)", "classes": "\(c.classes)", "gamma_tau": "\(g.gammaTau)",
      "gamma_t": "\(g.gammaT)", "gamma_s": "\(g.gammaS)", "gamma_w": "\(g.gammaW)", "gamma_b": "\(g.gammaB)",
      "gamma_d": "\(g.gammaD)", "macs": "\(candidate.complexity)", "params": "\(candidate.complexity)",
      "key": candidate.key, "impl": c.implementation.rawValue,
    ]
    var result = template
    for (name, value) in values {
      result = result.replacingOccurrences(of: "{\(name)}", with: Self.shellWord(value))
    }
    return result
  }

  /// `value` as one shell word: as is when it holds only letters, digits and `._-+`, else single-quoted.
  static func shellWord(_ value: String) -> String {
    let plain = value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-+".contains($0)) }
    return plain ? value : "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  public func score(_ candidates: [Candidate]) -> [ScoreOutcome?] {
    let results = ResultBox(count: candidates.count)
    let semaphore = DispatchSemaphore(value: jobs)
    let group = DispatchGroup()
    for (index, candidate) in candidates.enumerated() {
      semaphore.wait()
      group.enter()
      let command = self.command(for: candidate)
      Thread.detachNewThread {
        results.set(index, Self.run(command, timeout: timeout))
        semaphore.signal()
        group.leave()
      }
    }
    group.wait()
    return results.values
  }

  /// Runs one command and reads its score.
  static func run(_ command: String, timeout: Double?) -> ScoreOutcome {
    let process = Process()
    if let timeout {
      // coreutils' timeout runs the command in its own process group and signals the whole group, so children of
      // the shell die too; it exits with 124 on a time-out.
      process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
      process.arguments = ["--kill-after=5", String(timeout), "/bin/sh", "-c", command]
    } else {
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = ["-c", command]
    }
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch {
      return .failed(reason: "could not start /bin/sh: \(error)", detail: "")
    }
    let errorData = ReadAll(error.fileHandleForReading)
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let stderr = String(decoding: errorData.wait(), as: UTF8.self)
    let stdout = String(decoding: outData, as: UTF8.self)
    if let timeout, process.terminationStatus == 124 || process.terminationStatus == 137 {
      return .failed(reason: "timed out after \(timeout) s", detail: stderr)
    }
    if process.terminationStatus != 0 {
      return .failed(reason: "exit status \(process.terminationStatus)", detail: stderr)
    }
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

/// Reads a pipe to its end on another thread (so a chatty stderr cannot block the child).
final class ReadAll: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)
  private var data = Data()
  init(_ handle: FileHandle) {
    Thread.detachNewThread { [self] in
      data = handle.readDataToEndOfFile()
      done.signal()
    }
  }
  func wait() -> Data {
    done.wait()
    return data
  }
}
