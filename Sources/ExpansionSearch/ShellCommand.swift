import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs `/bin/sh -c COMMAND` in a process group of its own, reading its standard output and error to the end.
///
/// The group is what gets ended: at the time limit, or as soon as `shouldStop` says so, the whole group receives
/// SIGTERM and, two seconds later, SIGKILL, so the shell's children die with it, including a background child that
/// still holds the output pipe (the command is over when the shell has exited *and* both pipes are closed).
enum ShellCommand {
  enum Ending: Equatable {
    case exited(Int32)
    case signaled(Int32)
    case timedOut
    case interrupted
  }

  struct Result {
    var ending: Ending
    var standardOutput: Data
    var standardError: Data
  }

  /// Seconds between SIGTERM and SIGKILL, and then before giving up on pipes held by a process outside the group.
  static let grace = 2.0

  static func run(_ command: String, timeout: Double?, shouldStop: @Sendable () -> Bool) -> Result {
    var outPipe: [Int32] = [-1, -1]
    var errPipe: [Int32] = [-1, -1]
    spawnLock.lock()
    guard makePipe(&outPipe), makePipe(&errPipe) else {
      spawnLock.unlock()
      for fd in outPipe + errPipe where fd >= 0 { close(fd) }
      return Result(ending: .exited(127), standardOutput: Data(), standardError: Data("pipe() failed".utf8))
    }
    let spawned = spawn(command, output: outPipe[1], error: errPipe[1])
    spawnLock.unlock()
    close(outPipe[1])
    close(errPipe[1])
    guard let pid = spawned else {
      close(outPipe[0])
      close(errPipe[0])
      return Result(
        ending: .exited(127), standardOutput: Data(), standardError: Data("could not start /bin/sh".utf8))
    }

    let start = Date()
    var buffers = [Data(), Data()]
    var open = [outPipe[0], errPipe[0]]
    var status: Int32? = nil
    var ending: Ending? = nil
    var termSent: Date? = nil
    var killSent: Date? = nil
    var chunk = [UInt8](repeating: 0, count: 65536)
    while status == nil || open.contains(where: { $0 >= 0 }) {
      if status == nil {
        var raw: Int32 = 0
        if waitpid(pid, &raw, WNOHANG) == pid { status = raw }
      }
      if ending == nil && killSent == nil {
        if shouldStop() {
          if status == nil {
            ending = .interrupted
          } else {
            // The shell has finished: its result stands; only children still holding its output are ended.
            kill(-pid, SIGKILL)
            killSent = Date()
          }
        } else if let timeout, Date().timeIntervalSince(start) >= timeout {
          ending = .timedOut
        }
        if ending != nil {
          kill(-pid, SIGTERM)
          termSent = Date()
        }
      }
      if let sent = termSent, killSent == nil, Date().timeIntervalSince(sent) >= grace {
        kill(-pid, SIGKILL)
        killSent = Date()
      }
      // A process that left the group may still hold a pipe: stop reading once the group is dead.
      if let sent = killSent, status != nil, Date().timeIntervalSince(sent) >= grace { break }

      var fds = open.filter { $0 >= 0 }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
      if !fds.isEmpty {
        _ = poll(&fds, nfds_t(fds.count), 100)
        for entry in fds where entry.revents != 0 {
          let count = read(entry.fd, &chunk, chunk.count)
          let slot = entry.fd == open[0] ? 0 : 1
          if count > 0 {
            buffers[slot].append(contentsOf: chunk[0..<count])
          } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
            close(entry.fd)
            open[slot] = -1
          }
        }
      } else {
        usleep(20_000)
      }
    }
    for fd in open where fd >= 0 { close(fd) }
    if status == nil {
      var raw: Int32 = 0
      waitpid(pid, &raw, 0)
      status = raw
    }
    // Whatever is left of the group (children of a shell that exited early) goes too.
    if ending != nil { kill(-pid, SIGKILL) }
    let raw = status!
    let final: Ending =
      ending ?? ((raw & 0x7f) == 0 ? .exited((raw >> 8) & 0xff) : .signaled(raw & 0x7f))
    return Result(ending: final, standardOutput: buffers[0], standardError: buffers[1])
  }

  /// Held from creating a command's pipes until it is spawned, so no other command (`--jobs`) inherits them before
  /// they are marked close-on-exec.
  private static let spawnLock = NSLock()

  /// A pipe whose ends are closed on exec (each child gets only its own ends, as its fds 1 and 2).
  private static func makePipe(_ fds: inout [Int32]) -> Bool {
    guard pipe(&fds) == 0 else { return false }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return true
  }

  /// `posix_spawn` of `/bin/sh -c command` as the leader of a new process group, standard input from /dev/null,
  /// SIGINT, SIGTERM and SIGPIPE at their defaults and no signal blocked.
  private static func spawn(_ command: String, output: Int32, error: Int32) -> pid_t? {
    #if canImport(Darwin)
      var actions: posix_spawn_file_actions_t? = nil
      var attributes: posix_spawnattr_t? = nil
    #else
      var actions = posix_spawn_file_actions_t()
      var attributes = posix_spawnattr_t()
    #endif
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, output, 1)
    posix_spawn_file_actions_adddup2(&actions, error, 2)
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setpgroup(&attributes, 0)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGTERM, SIGPIPE, SIGQUIT] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    let arguments = ["/bin/sh", "-c", command]
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    var envp: [UnsafeMutablePointer<CChar>?] =
      ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for pointer in argv + envp { free(pointer) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &argv, &envp)
    return result == 0 ? pid : nil
  }
}
