import CostModel
import Foundation
import Testing

@testable import LatencyModel

@Suite("Hardware profiles")
struct HardwareProfileTests {
  @Test("every built-in profile survives JSON and back", arguments: HardwareProfile.builtIn.keys.sorted())
  func roundTrip(_ name: String) throws {
    let profile = HardwareProfile.builtIn[name]!
    let parsed = try HardwareProfile(json: Data(profile.json().utf8), source: name)
    #expect(parsed == profile)
  }

  @Test("calibrated classes survive JSON and back")
  func classesRoundTrip() throws {
    var profile = HardwareProfile.builtIn["l4"]!
    profile.classes[.depthwise] = ClassParameters(
      computeEfficiency: 0.125, memoryEfficiency: 0.5, overheadSeconds: 4e-6)
    let parsed = try HardwareProfile(json: Data(profile.json().utf8), source: "x")
    #expect(parsed.parameters(.depthwise).computeEfficiency == 0.125)
    #expect(abs(parsed.parameters(.depthwise).overheadSeconds - 4e-6) < 1e-18)
    #expect(parsed.parameters(.pointwise) == .roofline)
  }

  @Test("row_vector_lanes and memory_overlaps_compute survive JSON and back; absent, 1 and true, not written")
  func lanesRoundTrip() throws {
    var profile = HardwareProfile.builtIn["l4"]!
    #expect(profile.rowVectorLanes == 1 && !profile.json().contains("row_vector_lanes"))
    #expect(profile.memoryOverlapsCompute && !profile.json().contains("memory_overlaps_compute"))
    profile.rowVectorLanes = 8
    profile.memoryOverlapsCompute = false
    #expect(profile.json().contains("\"row_vector_lanes\" : 8"))
    #expect(profile.json().contains("\"memory_overlaps_compute\" : false"))
    #expect(try HardwareProfile(json: Data(profile.json().utf8), source: "x") == profile)
  }

  struct Bad: CustomTestStringConvertible, Sendable {
    var json: String
    var message: String
    var testDescription: String { message }
  }

  static let bad: [Bad] = [
    Bad(json: #"{"memory_bytes_per_s": 1e9}"#, message: "hardware profile p.json: peak_flops_per_s is missing"),
    Bad(
      json: #"{"peak_flops_per_s": {}, "memory_bytes_per_s": 1e9}"#,
      message: "hardware profile p.json: peak_flops_per_s must be an object with at least one of f32, f16, bf16"),
    Bad(
      json: #"{"peak_flops_per_s": {"f32": 0}, "memory_bytes_per_s": 1e9}"#,
      message: "hardware profile p.json: peak_flops_per_s.f32 is 0.0, not a positive number"),
    Bad(
      json: #"{"peak_flops_per_s": {"f32": -5e12}, "memory_bytes_per_s": 1e9}"#,
      message: "hardware profile p.json: peak_flops_per_s.f32 is -5000000000000.0, not a positive number"),
    Bad(
      json: #"{"peak_flops_per_s": {"f32": "fast"}, "memory_bytes_per_s": 1e9}"#,
      message: "hardware profile p.json: peak_flops_per_s.f32 is not a number"),
    Bad(
      json: #"{"peak_flops_per_s": {"f64": 1e12}, "memory_bytes_per_s": 1e9}"#,
      message: "hardware profile p.json: peak_flops_per_s has unknown element type 'f64' (f32, f16, bf16)"),
    Bad(
      json: #"{"peak_flops_per_s": {"f32": 1e12}}"#, message: "hardware profile p.json: memory_bytes_per_s is missing"),
    Bad(
      json: #"{"peak_flops_per_s": {"f32": 1e12}, "memory_bytes_per_s": 1e9, "classes": {"conv": {}}}"#,
      message:
        "hardware profile p.json: unknown class 'conv' (stem, pointwise, depthwise, se, elementwise, head)"),
    Bad(json: "[1, 2]", message: "hardware profile p.json: not a JSON object"),
    Bad(
      json: #"{"peak_flops_per_s": {"f32": 1e12}, "memory_bytes_per_s": 1e9, "row_vector_lanes": 0}"#,
      message: "hardware profile p.json: row_vector_lanes is 0.0, not a whole number from 1 to 256"),
    Bad(
      json: #"{"peak_flops_per_s": {"f32": 1e12}, "memory_bytes_per_s": 1e9, "row_vector_lanes": 2.5}"#,
      message: "hardware profile p.json: row_vector_lanes is 2.5, not a whole number from 1 to 256"),
    Bad(
      json: #"{"peak_flops_per_s": {"f32": 1e12}, "memory_bytes_per_s": 1e9, "row_vector_lanes": "8"}"#,
      message: "hardware profile p.json: row_vector_lanes is not a number"),
    Bad(
      json: #"{"peak_flops_per_s": {"f32": 1e12}, "memory_bytes_per_s": 1e9, "memory_overlaps_compute": 1}"#,
      message: "hardware profile p.json: memory_overlaps_compute is not true or false"),
  ]

  @Test("a bad profile is refused with a one-line message naming the value", arguments: bad)
  func refused(_ test: Bad) {
    #expect(throws: LatencyError.self) { try HardwareProfile(json: Data(test.json.utf8), source: "p.json") }
    do {
      _ = try HardwareProfile(json: Data(test.json.utf8), source: "p.json")
    } catch {
      #expect(error.description == test.message)
      #expect(!error.description.contains("\n"))
    }
  }

  @Test("T4 has no bf16 peak: asking for it names what it has")
  func missingPeak() {
    #expect(throws: LatencyError.missingPeak(profile: "t4", elementType: "bf16", available: ["f32", "f16"])) {
      try Roofline(HardwareProfile.builtIn["t4"]!, elementType: .bf16)
    }
  }
}
