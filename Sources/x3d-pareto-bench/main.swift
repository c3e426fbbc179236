import Charts
import Foundation
import GRDB
import SweepStore

/// Pareto frontier at scale: `ResultsStore.pareto` (rows streamed in x order, the running frontier kept) against
/// one SQLite window-function query that computes the same frontier, on the same sweep, interleaved.
///
/// `x3d-pareto-bench DB SWEEP [ROUNDS [X Y maximize|minimize]]` runs each side ROUNDS times (default 3) in a fresh
/// child process, A B A B …, and reports wall time and peak resident memory (`ru_maxrss` of the child) per run,
/// their medians and the ratios streamed / SQL. The default frontier is params (x, minimised) against macs (y,
/// maximised: the most compute a parameter budget buys), about a hundred points on a grid sweep; both sides must
/// find the same configurations. `x3d-pareto-bench --child stream|sql DB SWEEP X Y DIRECTION` is one measured run
/// (prints the frontier's keys). With `BENCH_PLOT=1` a third child per round does what `x3d-cost plot` does (the
/// extent query, the ordered pass into a density, the PDF).

func child(_ mode: String, _ path: String, _ sweep: String, _ x: String, _ y: String, _ maximize: Bool) throws {
  let store = try ResultsStore(path: path, access: .readOnly)
  var ids: [String] = []
  switch mode {
  case "stream":
    let result = try store.pareto(
      sweep: sweep, x: store.column(named: x), y: store.column(named: y), maximizeY: maximize)
    ids = result.allFrontierPoints.map(\.configKey)
  case "plot":
    // What `x3d-cost plot` does: one ordered pass into a density that keeps its range, then the axes and the PDF.
    let (xColumn, yColumn) = (try store.column(named: x), try store.column(named: y))
    var cloud = PointCloud()
    let result = try store.pareto(sweep: sweep, x: xColumn, y: yColumn, maximizeY: maximize) { px, py, _ in
      cloud.add(FigurePoint(x: px, y: py))
    }
    let (xRange, yRange) = (cloud.xRange ?? 0...1, cloud.yRange ?? 0...1)
    let xAxis = ChartAxis(title: x, minimum: xRange.lowerBound, maximum: xRange.upperBound, log: false)
    let yAxis = ChartAxis(title: y, minimum: yRange.lowerBound, maximum: yRange.upperBound, log: false)
    let frontier = result.allFrontierPoints
    let figure = Figure(
      x: xAxis, y: yAxis,
      series: [FigureSeries(name: "", cloud: cloud, frontier: frontier.map { FigurePoint(x: $0.x, y: $0.y) })],
      width: 237.6)
    _ = figure.rendered(.pdf)
    ids = frontier.map(\.configKey)
  case "sql":
    let queue = try DatabaseQueue(
      path: path,
      configuration: {
        var c = Configuration()
        c.readonly = true
        return c
      }())
    ids = try queue.read { db in
      try String.fetchAll(
        db,
        sql: """
          SELECT key FROM (
            SELECT c.key, c.\(y) AS y, \(maximize ? "max" : "min")(c.\(y)) OVER (
              ORDER BY c.\(x), c.\(y) \(maximize ? "DESC" : "ASC"), c.id
              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS best
            FROM configs c WHERE c.sweep_id = (SELECT id FROM sweeps WHERE name = ?))
          WHERE best IS NULL OR y \(maximize ? ">" : "<") best
          """, arguments: [sweep])
    }
  default:
    throw CocoaError(.featureUnsupported)
  }
  print(ids.joined(separator: " "))
}

struct Run {
  var seconds: Double
  var peakMiB: Double
  var output: String
}

/// Runs this executable with `arguments` and returns its wall time, peak RSS and standard output.
func measure(_ arguments: [String]) throws -> Run {
  let pipe = Pipe()
  var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  posix_spawn_file_actions_adddup2(&actions, pipe.fileHandleForWriting.fileDescriptor, 1)
  let argv = ([CommandLine.arguments[0]] + arguments).map { strdup($0) } + [nil]
  defer { argv.forEach { free($0) } }
  var pid: pid_t = 0
  let start = ContinuousClock.now
  guard posix_spawn(&pid, CommandLine.arguments[0], &actions, nil, argv, environ) == 0 else {
    throw CocoaError(.executableLoad)
  }
  try pipe.fileHandleForWriting.close()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  var status: Int32 = 0
  var usage = rusage()
  _ = wait4(pid, &status, 0, &usage)
  let elapsed = ContinuousClock.now - start
  let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
  guard status == 0 else { throw CocoaError(.executableRuntimeMismatch) }
  // Linux reports ru_maxrss in KiB.
  return Run(
    seconds: seconds, peakMiB: Double(usage.ru_maxrss) / 1024,
    output: String(decoding: data, as: UTF8.self))
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
func text(_ value: Double, _ decimals: Int = 2) -> String { String(format: "%.\(decimals)f", value) }

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--child", arguments.count == 7 {
  try child(arguments[1], arguments[2], arguments[3], arguments[4], arguments[5], arguments[6] == "maximize")
  exit(0)
}
guard arguments.count == 2 || arguments.count == 3 || arguments.count == 6 else {
  print("usage: x3d-pareto-bench DB SWEEP [ROUNDS [X Y maximize|minimize]]")
  exit(2)
}
let (path, sweep) = (arguments[0], arguments[1])
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 3 : 3
let axes = arguments.count == 6 ? Array(arguments[3...5]) : ["params", "macs", "maximize"]
let numeric = ResultColumn.configColumns.filter { !$0.isText }.map(\.name)
guard numeric.contains(axes[0]), numeric.contains(axes[1]), ["maximize", "minimize"].contains(axes[2]) else {
  print(
    "X and Y are numeric columns of configs (\(numeric.joined(separator: ", "))); the direction maximize or minimize")
  exit(2)
}
print("frontier of \(axes[0]) (minimised) against \(axes[1]) (\(axes[2])d) in sweep \(sweep)")
let modes = ProcessInfo.processInfo.environment["BENCH_PLOT"] == "1" ? ["stream", "sql", "plot"] : ["stream", "sql"]
var runs: [String: [Run]] = [:]
for round in 1...rounds {
  for mode in modes {
    let run = try measure(["--child", mode, path, sweep] + axes)
    runs[mode, default: []].append(run)
    print("round \(round) \(mode): \(text(run.seconds)) s, peak \(text(run.peakMiB, 1)) MiB")
  }
}
let same = runs["stream"]!.map(\.output) == runs["sql"]!.map(\.output)
let frontier = runs["stream"]![0].output.split(separator: " ").count
let (st, sq) = (runs["stream"]!, runs["sql"]!)
print("frontier: \(frontier) configurations; same as SQL: \(same)")
print(
  "median time: stream \(text(median(st.map(\.seconds)))) s, SQL \(text(median(sq.map(\.seconds)))) s, "
    + "ratio \(text(median(st.map(\.seconds)) / median(sq.map(\.seconds)))) "
    + "(per-round ratios \(zip(st, sq).map { text($0.seconds / $1.seconds) }.joined(separator: ", ")); "
    + "median of per-round ratios \(text(median(zip(st, sq).map { $0.seconds / $1.seconds }))))")
print(
  "median peak RSS: stream \(text(median(st.map(\.peakMiB)), 1)) MiB, SQL \(text(median(sq.map(\.peakMiB)), 1)) MiB, "
    + "ratio \(text(median(st.map(\.peakMiB)) / median(sq.map(\.peakMiB))))")
if let plots = runs["plot"] {
  print(
    "plot (ordered pass into a density + PDF): median \(text(median(plots.map(\.seconds)))) s, "
      + "peak \(text(median(plots.map(\.peakMiB)), 1)) MiB; time ratio to SQL "
      + "\(text(median(plots.map(\.seconds)) / median(sq.map(\.seconds)))) (per round "
      + "\(zip(plots, sq).map { text($0.seconds / $1.seconds) }.joined(separator: ", ")); median of per-round "
      + "ratios \(text(median(zip(plots, sq).map { $0.seconds / $1.seconds })))); same frontier: "
      + "\(plots.map(\.output) == sq.map(\.output))")
}
if !same { exit(1) }
