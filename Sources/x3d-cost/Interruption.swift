import Foundation

/// Ctrl-C (SIGINT) and SIGTERM set a flag instead of killing the process, so a sweep commits its current batch
/// and stops with the database consistent. A second Ctrl-C exits at once (SQLite's WAL keeps the database
/// consistent then too: the open transaction is rolled back).
enum Interruption {
  nonisolated(unsafe) private static var flag: sig_atomic_t = 0

  static var requested: Bool { flag != 0 }

  /// Call before starting threads: it also unblocks the two signals, which a parent may have blocked (the mask is
  /// inherited across exec).
  static func install() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    sigaddset(&set, SIGTERM)
    sigprocmask(SIG_UNBLOCK, &set, nil)
    for signalNumber in [SIGINT, SIGTERM] {
      signal(signalNumber) { number in
        if Interruption.flag != 0 { _exit(128 + number) }
        Interruption.flag = 1
      }
    }
  }
}
