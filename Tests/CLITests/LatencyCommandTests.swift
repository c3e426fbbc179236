import Foundation
import TestSupport
import Testing

/// `cost --hardware`, `measure` and `calibrate`, run as a user runs them, in a fresh directory.
struct LatencyCommandTests {
  func directory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("x3d-latency-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// JSON carries the prediction: per node and in total, the total the sum of the nodes, and one node worked by
  /// hand (X3D-XS branch2.a on an H200 at f32 is memory-bound: its bytes over 4.8 TB/s).
  @Test func costWithHardwareInJSON() throws {
    let result = try CommandRunner.run(["--preset", "xs", "--hardware", "h200", "--format", "json", "--per-layer"])
    #expect(result.status == 0, "\(result.standardError)")
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    let latency = try #require(object["latency"] as? [String: Any])
    let layers = try #require(object["layers"] as? [[String: Any]])
    let total = try #require(latency["predicted_ms"] as? Double)
    let sum = layers.reduce(0.0) { $0 + ($1["predicted_us"] as? Double ?? 0) } / 1e3
    #expect(abs(total - sum) <= 1e-12 * total)
    #expect(latency["hardware"] as? String == "h200")
    let a = try #require(layers.first { $0["name"] as? String == "s2.pathway0_res0.branch2.a" })
    let bytes = Double(4 * (24 * 4 * 80 * 80 + 1296) + 4 * 54 * 4 * 80 * 80)
    #expect(a["bound"] as? String == "memory")
    #expect(abs((a["predicted_us"] as? Double ?? 0) - bytes / 4.8e12 * 1e6) < 1e-9)
    #expect(a["bytes_read"] as? Int == 4 * (24 * 4 * 80 * 80 + 1296))
  }

  @Test func costWithHardwareAddsPredictedLatency() throws {
    let result = try CommandRunner.run(["--preset", "xs", "--hardware", "h200", "--per-layer"])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("predicted latency (h200, f32, roofline bound), ms"))
    // The strided shortcut reads a quarter of its input: (24·4·40²+576)·4 bytes.
    let shortcut = result.standardOutput.split(separator: "\n").first { $0.hasPrefix("s2.pathway0_res0.branch1 ") }
    #expect(shortcut?.contains(" 616704 ") == true, "\(shortcut ?? "")")
  }

  @Test(arguments: [
    (#"{"memory_bytes_per_s": 1e12}"#, "peak_flops_per_s is missing"),
    (#"{"peak_flops_per_s": {"f32": -1}, "memory_bytes_per_s": 1e12}"#, "peak_flops_per_s.f32 is -1.0"),
    (#"{"peak_flops_per_s": {"f32": 1e12}, "memory_bytes_per_s": 0}"#, "memory_bytes_per_s is 0.0"),
  ])
  func badProfileExitsTwo(_ json: String, _ message: String) throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    try json.write(to: here.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    let result = try CommandRunner.run(["--preset", "xs", "--hardware", "p.json"], in: here)
    #expect(result.status == 2)
    #expect(result.standardError.contains(message), "\(result.standardError)")
    #expect(result.standardError.split(separator: "\n").count == 1)
  }

  @Test func measureStoresLatenciesAndResumes() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let sweep = try CommandRunner.run(
      [
        "sweep", "--name", "t", "--frames", "1,2", "--crop", "32", "--width-factor", "1", "--depth-factor", "0.4",
        "--bottleneck-factor", "1", "--classes", "5",
      ], in: here)
    #expect(sweep.status == 0, "\(sweep.standardError)")
    let first = try CommandRunner.run(["measure", "--sweep", "t", "--repeats", "3", "--warmup", "0"], in: here)
    #expect(first.status == 0, "\(first.standardError)")
    #expect(first.standardOutput.contains("2 configurations measured, 0 already there"), "\(first.standardOutput)")
    let again = try CommandRunner.run(["measure", "--sweep", "t"], in: here)
    #expect(again.standardOutput.contains("0 configurations measured, 2 already there"), "\(again.standardOutput)")
    let stored = try CommandRunner.run(
      [
        "query",
        "SELECT count(*) FROM measured WHERE dataset = 't-executor' AND metric = 'latency_ms' AND value > 0 "
          + "AND value >= (SELECT value FROM measured m2 WHERE m2.key = measured.key AND m2.metric = 'latency_min_ms')",
        "--format", "csv",
      ], in: here)
    #expect(stored.standardOutput.hasSuffix("\r\n2\r\n"), "\(stored.standardOutput)")
    let bad = try CommandRunner.run(["measure", "--sweep", "t", "--repeats", "0"], in: here)
    #expect(bad.status == 2)
    let noRounds = try CommandRunner.run(["measure", "--sweep", "t", "--rounds", "0"], in: here)
    #expect(noRounds.status == 2 && noRounds.standardError.contains("--rounds must be at least 1, not 0"))

    // Rounds: every configuration stored once, after its last round, with the median of all rounds' times.
    let rounds = try CommandRunner.run(
      ["measure", "--sweep", "t", "--dataset", "r", "--rounds", "3", "--repeats", "2", "--warmup", "0"], in: here)
    #expect(rounds.standardOutput.contains("2 configurations measured, 0 already there"), "\(rounds.standardOutput)")
    let described = try CommandRunner.run(
      [
        "query",
        "SELECT d.source, count(*) FROM measured m JOIN datasets d ON d.name = m.dataset WHERE m.dataset = 'r' "
          + "AND m.metric = 'latency_ms' AND m.value >= (SELECT value FROM measured m2 WHERE m2.dataset = 'r' "
          + "AND m2.key = m.key AND m2.metric = 'latency_min_ms') GROUP BY d.source",
        "--format", "csv",
      ], in: here)
    #expect(
      described.standardOutput.contains("median of 6 after 0 warm-up in 3 interleaved rounds, wall clock\",2"),
      "\(described.standardOutput)")
  }

  @Test func calibrateFitsImportedLatenciesAndRefusesBadInput() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let sweep = try CommandRunner.run(
      [
        "sweep", "--name", "g", "--frames", "1,2,4", "--crop", "32,48,64,96", "--width-factor", "1,2",
        "--depth-factor", "0.4,1", "--bottleneck-factor", "1", "--classes", "5",
      ], in: here)
    #expect(sweep.status == 0, "\(sweep.standardError)")
    let export = try CommandRunner.run(
      ["export", "--sweep", "g", "--columns", "frames,crop,width_factor,depth_factor,bottleneck_factor,classes,flops"],
      in: here)
    // A synthetic machine: 1 ms per 10 MFLOP plus 0.2 ms; calibration must find it again.
    var csv = "frames,crop,width_factor,depth_factor,bottleneck_factor,classes,latency_ms\n"
    for line in export.standardOutput.split(whereSeparator: \.isNewline).dropFirst() {
      var fields = line.split(separator: ",").map(String.init)
      let flops = Double(fields.removeLast())!
      csv += fields.joined(separator: ",") + ",\(flops / 1e7 + 0.2)\n"
    }
    try csv.write(to: here.appendingPathComponent("m.csv"), atomically: true, encoding: .utf8)
    let imported = try CommandRunner.run(["import", "--sweep", "g", "m.csv", "--dataset", "synthetic"], in: here)
    #expect(imported.standardOutput.contains("48 matched"), "\(imported.standardOutput)")
    let fit = try CommandRunner.run(
      ["calibrate", "--dataset", "synthetic", "--hardware", "t4", "--out", "p.json"], in: here)
    #expect(fit.status == 0, "\(fit.standardError)")
    #expect(fit.standardOutput.contains("within ±10%: 48/48"), "\(fit.standardOutput)")
    let priced = try CommandRunner.run(["--frames", "2", "--crop", "64", "--hardware", "p.json"], in: here)
    #expect(priced.standardOutput.contains("calibrated), ms"), "\(priced.standardOutput)")

    let missing = try CommandRunner.run(
      ["calibrate", "--dataset", "synthetic", "--metric", "top1", "--hardware", "t4", "--out", "q.json"], in: here)
    #expect(missing.status == 2 && missing.standardError.contains("has no top1"), "\(missing.standardError)")
    let firstTen = csv.split(separator: "\n").prefix(11).joined(separator: "\n") + "\n"
    try firstTen.write(to: here.appendingPathComponent("few.csv"), atomically: true, encoding: .utf8)
    _ = try CommandRunner.run(["import", "--sweep", "g", "few.csv", "--dataset", "few"], in: here)
    let few = try CommandRunner.run(["calibrate", "--dataset", "few", "--hardware", "t4", "--out", "q.json"], in: here)
    #expect(few.status == 2 && few.standardError.contains("fewer than the 18 parameters"), "\(few.standardError)")
    #expect(!FileManager.default.fileExists(atPath: here.appendingPathComponent("q.json").path))
  }

  @Test func sweepStoresPredictionsThatParetoReads() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let refused = try CommandRunner.run(
      ["sweep", "--name", "p", "--preset", "xs", "--hardware", "t4", "--dtype", "bf16"], in: here)
    #expect(refused.status == 2 && refused.standardError.contains("no peak for bf16"), "\(refused.standardError)")
    #expect(!FileManager.default.fileExists(atPath: here.appendingPathComponent("results.db").path))
    let sweep = try CommandRunner.run(["sweep", "--name", "p", "--preset", "xs,m", "--hardware", "h200"], in: here)
    #expect(sweep.standardOutput.contains("predicted_ms of 2 configurations in dataset 'p-predicted-h200'"))
    let query = try CommandRunner.run(
      [
        "query", "SELECT preset, round(value, 6) FROM measured WHERE metric = 'predicted_ms' ORDER BY value",
        "--format",
        "csv",
      ], in: here)
    // Each the sum of the nodes' roofline times, as `cost --hardware h200` prints it.
    let xs = try CommandRunner.run(["--preset", "xs", "--hardware", "h200"], in: here)
    let line = xs.standardOutput.split(separator: "\n").first { $0.hasPrefix("predicted latency (h200") } ?? ""
    let printed = line.split(separator: " ").last.map(String.init) ?? ""
    let stored = query.standardOutput.split(separator: "\r\n").dropFirst().first?.split(separator: ",").last ?? ""
    #expect(!printed.isEmpty && abs(Double(printed)! - Double(stored)!) < 5e-4, "\(printed) vs \(stored)")
    let pareto = try CommandRunner.run(["pareto", "--sweep", "p", "--x", "predicted_ms", "--y", "params"], in: here)
    #expect(pareto.status == 0 && pareto.standardOutput.contains("p-predicted-h200"), "\(pareto.standardError)")
  }

  @Test func plotRooflineDrawsEveryComputingNode() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let plot = try CommandRunner.run(
      ["plot", "--roofline", "--hardware", "h200", "--preset", "xs", "--out", "r.svg"], in: here)
    // X3D-XS has 372 nodes; the input clip is not drawn.
    #expect(plot.standardOutput.contains("wrote r.svg: 371 nodes under the roof of h200"), "\(plot.standardError)")
    let svg = try String(contentsOf: here.appendingPathComponent("r.svg"), encoding: .utf8)
    #expect(svg.components(separatedBy: "<circle").count - 1 == 371 + 6)
    let refused = try CommandRunner.run(["plot", "--roofline", "--preset", "xs", "--out", "s.svg"], in: here)
    #expect(refused.status == 2)
    #expect(!FileManager.default.fileExists(atPath: here.appendingPathComponent("s.svg").path))
  }

  @Test func calibrateHostWritesAProfileCostReads() throws {
    let here = try directory()
    defer { try? FileManager.default.removeItem(at: here) }
    let probe = try CommandRunner.run(["calibrate", "--host", "--out", "host.json"], in: here)
    #expect(probe.status == 0, "\(probe.standardError)")
    #expect(probe.standardError.contains("GFLOP/s (f32, one core)"), "\(probe.standardError)")
    let json = try String(contentsOf: here.appendingPathComponent("host.json"), encoding: .utf8)
    #expect(json.contains("\"memory_bytes_per_s\"") && json.contains("\"f32\""))
    let priced = try CommandRunner.run(["--preset", "xs", "--hardware", "host.json"], in: here)
    #expect(priced.standardOutput.contains("predicted latency (host, f32, roofline bound), ms"))
    let both = try CommandRunner.run(["calibrate", "--host", "--dataset", "d"], in: here)
    #expect(both.status == 2)
  }
}
