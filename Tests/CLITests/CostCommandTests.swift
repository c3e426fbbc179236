import Foundation
import TestSupport
import Testing

/// Runs the built `x3d-cost` and checks its whole output contract.
struct CostCommandTests {
  func json(_ arguments: [String]) throws -> [String: Any] {
    let result = try CommandRunner.run(arguments + ["--format", "json"])
    #expect(result.status == 0, "\(result.standardError)")
    return try #require(JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
  }

  @Test func presetMediumJSONContract() throws {
    let object = try json(["--preset", "m"])
    let config = try #require(object["config"] as? [String: Any])
    let totals = try #require(object["totals"] as? [String: Any])
    #expect(config["frames"] as? Int == 16)
    #expect(config["crop"] as? Int == 224)
    #expect(config["test_crop"] as? Int == 224)
    #expect(config["gamma_tau"] as? Double == 5)
    #expect(config["width_factor"] as? Double == 2)
    #expect(config["depth_factor"] as? Double == 2.2)
    #expect(config["bottleneck_factor"] as? Double == 2.25)
    #expect(config["classes"] as? Int == 400)
    #expect(config["batch"] as? Int == 1)
    #expect(config["dtype"] as? String == "f32")
    #expect(config["impl"] as? String == "paper")
    #expect(totals["macs"] as? Int == 4_732_468_736)
    #expect(totals["conv_macs"] as? Int == 4_731_649_536)
    #expect(totals["linear_macs"] as? Int == 819_200)
    #expect(totals["params"] as? Int == 3_794_322)
    #expect(totals["params_no_bn"] as? Int == 3_762_858)
    #expect(totals["activations"] as? Int == 87_914_520)
    #expect(totals["bn_elements"] as? Int == 83_091_456)
    for key in ["flops", "inference_peak_bytes", "training_activation_bytes"] {
      #expect((totals[key] as? Int ?? 0) > 0, "\(key)")
    }
    #expect(object["layers"] == nil)
  }

  @Test func gammaFlagsMapToHyperparameters() throws {
    let config = try #require(try json(["--gamma-t", "2", "--gamma-d", "2.2"])["config"] as? [String: Any])
    #expect(config["frames"] as? Int == 2)
    #expect(config["crop"] as? Int == 112)
    #expect(config["depth_factor"] as? Double == 2.2)
    #expect(config["width_factor"] as? Double == 2)
    #expect(config["gamma_t"] as? Double == 2)
    let spatial = try #require(try json(["--gamma-s", "1.4142", "--gamma-w", "1.45"])["config"] as? [String: Any])
    #expect(spatial["crop"] as? Int == 160)
    #expect(spatial["width_factor"] as? Double == 2.9)
  }

  @Test func explicitBeatsGammaBeatsPreset() throws {
    let config = try #require(
      try json(["--preset", "l", "--gamma-t", "4", "--frames", "8", "--gamma-d", "3"])["config"] as? [String: Any])
    #expect(config["frames"] as? Int == 8)
    #expect(config["depth_factor"] as? Double == 3)
    #expect(config["crop"] as? Int == 312)
  }

  @Test(arguments: [("m", 256, 6_185_725_184), ("l", 356, 24_777_648_768), ("xl", 356, 48_423_725_120)])
  func testCropViews(_ preset: String, _ crop: Int, _ macs: Int) throws {
    let totals = try #require(try json(["--preset", preset, "--test-crop", String(crop)])["totals"] as? [String: Any])
    #expect(totals["macs"] as? Int == macs)
  }

  @Test func perLayerRowsSumToTotals() throws {
    let object = try json(["--preset", "xs", "--per-layer", "--per-stage"])
    let layers = try #require(object["layers"] as? [[String: Any]])
    let totals = try #require(object["totals"] as? [String: Any])
    #expect(layers.first?["name"] as? String == "input")
    #expect(layers[1]["name"] as? String == "s1.pathway0_stem.conv_xy")
    #expect(layers[1]["kernel"] as? [Int] == [1, 3, 3])
    #expect(layers[1]["input_shape"] as? [Int] == [1, 3, 4, 160, 160])
    #expect(layers[1]["output_shape"] as? [Int] == [1, 24, 4, 80, 80])
    #expect(layers.last?["output_shape"] as? [Int] == [1, 400])
    #expect(layers.map { $0["macs"] as? Int ?? 0 }.reduce(0, +) == totals["macs"] as? Int)
    #expect(layers.map { $0["params"] as? Int ?? 0 }.reduce(0, +) == totals["params"] as? Int)
    #expect(layers.map { $0["activations"] as? Int ?? 0 }.reduce(0, +) == totals["activations"] as? Int)
    #expect(Set(layers.compactMap { $0["name"] as? String }).count == layers.count)
    let stages = try #require(object["stages"] as? [[String: Any]])
    #expect(stages.map { $0["stage"] as? String ?? "" } == ["stem", "res2", "res3", "res4", "res5", "head"])
    #expect(stages.map { $0["macs"] as? Int ?? 0 }.reduce(0, +) == 605_256_512)
  }

  /// The argument parser's own errors are one line too (its help and usage lines are left to `--help`).
  @Test(arguments: [["--frames", "abc"], ["--bogus"], ["plot", "--out", "x.svg"], ["sweep", "--jobs"]])
  func parserErrorsAreOneLine(_ arguments: [String]) throws {
    let result = try CommandRunner.run(arguments)
    #expect(result.status == 2)
    #expect(result.standardOutput.isEmpty)
    let lines = result.standardError.split(separator: "\n")
    #expect(lines.count == 1, "\(result.standardError)")
    #expect(lines.first?.hasPrefix("Error: ") == true)
  }

  @Test func tableNamesItsConventions() throws {
    let result = try CommandRunner.run(["--preset", "m"])
    #expect(result.status == 0)
    let paper = result.standardOutput.split(separator: "\n").first { $0.hasPrefix("* ") }
    #expect(paper?.hasPrefix("* multiply-adds (conv + linear; the paper's \"FLOPs\")") == true)
    #expect(paper?.contains(" 4,732,468,736 ") == true)
    #expect(result.standardOutput.contains(" 14,067,350,016 "), "training multiply-adds of X3D-M")
    #expect(result.standardOutput.contains("res4             96    216           11        16"))
    let fvcore = try CommandRunner.run(["--preset", "m", "--convention", "fvcore", "--impl", "pytorchvideo"])
    let headline = fvcore.standardOutput.split(separator: "\n").first { $0.hasPrefix("* ") }
    #expect(headline?.hasPrefix("* fvcore FlopCountAnalysis (MACs + 2·BN elements)") == true)
    #expect(headline?.contains(" 4,896,243,200 ") == true)
  }

  @Test func perLayerCSVHasEveryJSONFieldAsAColumn() throws {
    let result = try CommandRunner.run(["--preset", "x2d", "--per-layer", "--format", "csv"])
    #expect(result.status == 0)
    let lines = result.standardOutput.components(separatedBy: "\r\n")
    #expect(
      lines[0] == "name,kind,stage,activations,bn_elements,bytes_read,bytes_written,flops,groups,input_shape,kernel,"
        + "macs,output_elements,output_shape,padding,params,stride,training_flops,training_input_gradient_macs,training_macs,"
        + "training_weight_gradient_macs")
    #expect(lines[2].hasPrefix("s1.pathway0_stem.conv_xy,conv,stem,"))
    #expect(lines[2].contains(",1x3x1x112x112,"))
    #expect(result.standardError.contains("column sums"))
  }

  @Test(arguments: [
    (["--gamma-t", "0"], "--gamma-t"), (["--gamma-s", "nan"], "--gamma-s"), (["--gamma-w", "inf"], "--gamma-w"),
    (["--gamma-d=-1"], "--gamma-d"), (["--width-factor", "0"], "--width-factor"), (["--frames", "0"], "--frames"),
    (["--crop", "0"], "--crop"), (["--preset", "xxl"], "xxl"), (["--classes", "0"], "--classes"),
    (["--batch", "0"], "--batch"), (["--gamma-s", "0.02"], "--gamma-s"),
    (["--preset", "m", "--test-crop", "100"], "head.avg_pool"),
    (["--frames", "1000000", "--crop", "1000000"], "64-bit"),
    (["--bottleneck-factor", "0.01"], "--bottleneck-factor"), (["--depth-factor", "5000"], "--depth-factor"),
    (["--frames", "99999999999999999999999"], "99999999999999999999999"),
  ])
  func badInputExitsTwoNamingTheValue(_ arguments: [String], _ named: String) throws {
    let result = try CommandRunner.run(arguments)
    #expect(result.status == 2, "\(arguments): \(result.standardError)")
    #expect(result.standardError.contains(named), "\(result.standardError)")
    #expect(result.standardOutput.isEmpty)
  }
}
