import Foundation
import TestSupport
import Testing

/// `x3d-cost expand` end to end: a command criterion, resume from the database, ask/tell, bad input.
struct ExpandCommandTests {
  func directory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("x3d-expand-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func commandCriterionRunsOnceAndResumes() throws {
    let dir = try directory()
    let log = dir.appendingPathComponent("calls.log").path
    let arguments = [
      "expand", "--name", "depth", "--target-gmacs", "0.2", "--criterion-cmd", "echo {key} >> \(log); echo {gamma_d}",
      "--jobs", "3", "--format", "json",
    ]
    let first = try CommandRunner.run(arguments, in: dir)
    #expect(first.status == 0, "\(first.standardError)")
    let object = try #require(JSONSerialization.jsonObject(with: Data(first.standardOutput.utf8)) as? [String: Any])
    #expect(object["status"] as? String == "finished")
    let final = try #require(object["final"] as? [String: Any])
    #expect(final["within_tolerance"] as? Bool == true)
    #expect((final["slowfast_yaml"] as? String)?.contains("DEPTH_FACTOR: 15.0") == true)
    #expect(final["pytorchvideo"] as? String == "create_x3d(input_clip_length=1, input_crop_size=112, model_num_class=400, width_factor=2.0, depth_factor=15.0, bottleneck_factor=1.0)")
    let calls = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count
    #expect(calls == object["evaluations"] as? Int)
    let second = try CommandRunner.run(arguments, in: dir)
    #expect(second.status == 0)
    #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == calls)
    let path = try CommandRunner.run(
      ["query", "SELECT axis, depth_factor FROM search_path WHERE search = 'depth' AND phase = 'forward'", "--format", "csv"],
      in: dir)
    #expect(path.status == 0, "\(path.standardError)")
    #expect(path.standardOutput.contains("d,2.4"))
  }

  @Test func askAndTell() throws {
    let dir = try directory()
    let ask = ["expand", "ask", "--name", "job", "--target-gmacs", "0.05", "--format", "csv"]
    var result = try CommandRunner.run(ask, in: dir)
    #expect(result.status == 0, "\(result.standardError)")
    var rounds = 0
    while result.standardOutput.hasPrefix("key,") {
      let lines = result.standardOutput.split(separator: "\r\n").dropFirst()
      #expect(lines.count >= 1)
      let scores = lines.map { line -> String in
        let fields = line.split(separator: ",")
        return "\(fields[0]),\(fields[7])"  // score = depth factor
      }
      let file = dir.appendingPathComponent("scores.csv")
      try ("key,score\n" + scores.joined(separator: "\n")).write(to: file, atomically: true, encoding: .utf8)
      let tell = try CommandRunner.run(["expand", "tell", "--name", "job", "--scores", file.path], in: dir)
      #expect(tell.status == 0, "\(tell.standardError)")
      result = try CommandRunner.run(ask, in: dir)
      rounds += 1
      if rounds > 10 { break }
    }
    #expect(rounds >= 2)
    #expect(result.standardOutput.contains("final:"))
    #expect(result.standardOutput.contains("--gamma-d"))
  }

  @Test(arguments: [
    (["expand", "--name", "x", "--target-gmacs", "0.001", "--criterion-cmd", "echo 1"], "not above the start"),
    (["expand", "--name", "x", "--target-gmacs", "1", "--axes", "t,q", "--criterion-cmd", "echo 1"], "unknown axis 'q'"),
    (["expand", "--name", "x", "--target-gmacs", "1"], "exactly one criterion"),
    (["expand", "--name", "x", "--criterion-cmd", "echo 1"], "--target-gmacs"),
    (["expand", "--name", "x", "--target-gmacs", "1", "--criterion-cmd", "echo {lr}"], "{lr}"),
    (["expand", "--name", "x", "--target-gmacs", "1", "--criterion-cmd", "exit 1", "--on-failure", "stop"], "exit status 1"),
    (["expand", "--name", "x", "--target-gmacs", "1", "--criterion-cmd", "echo no"], "every candidate failed"),
    (["expand", "tell", "--name", "missing", "--key", "k", "--score", "1"], "no search named missing"),
  ])
  func badInputExitsTwo(_ arguments: [String], _ message: String) throws {
    let result = try CommandRunner.run(arguments, in: try directory())
    #expect(result.status == 2, "\(result.standardError)")
    #expect(result.standardError.contains(message), "\(result.standardError)")
  }
}
