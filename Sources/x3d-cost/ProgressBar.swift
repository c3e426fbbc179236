import Foundation

/// A one-line progress bar on standard error with rate and time left; silent unless standard error is a terminal.
struct ProgressBar {
  let isEnabled: Bool
  private let started = Date()
  private var lastDraw = Date.distantPast

  init(enabled: Bool = isatty(2) == 1) {
    isEnabled = enabled
  }

  /// Redraws at most ten times a second (and always at the end).
  mutating func update(done: Int, total: Int, doneThisRun: Int) {
    guard isEnabled else { return }
    let now = Date()
    guard done >= total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
    lastDraw = now
    let elapsed = max(now.timeIntervalSince(started), 1e-3)
    let rate = Double(doneThisRun) / elapsed
    let fraction = total > 0 ? Double(done) / Double(total) : 1
    let width = 28
    let filled = Int(fraction * Double(width))
    let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
    let left = rate > 0 ? Double(total - done) / rate : 0
    let line =
      "\r\(bar) \(Quantity.fixed(100 * fraction, decimals: 1))% \(Quantity.grouped(done))/\(Quantity.grouped(total))"
      + " · \(Quantity.grouped(Int(rate)))/s · ETA \(Self.duration(left))\u{1B}[K"
    FileHandle.standardError.write(Data(line.utf8))
  }

  /// Ends the line.
  func finish() {
    guard isEnabled else { return }
    FileHandle.standardError.write(Data("\n".utf8))
  }

  static func duration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded(.up))
    if total < 60 { return "\(total)s" }
    if total < 3600 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
    return "\(total / 3600)h\(String(format: "%02d", total / 60 % 60))m"
  }
}
