import CostModel
import Testing
import X3DModel

/// Every row of x3d-reference.md §6, exactly (SlowFast 2020 model, batch 1, 400 classes).
struct PublishedNumbersTests {
  struct Row: Sendable, CustomTestStringConvertible {
    var preset: Preset
    var testCrop: Int?
    var macs: Int
    var params: Int?
    var paramsNoBN: Int?
    var activations: Int?
    var testDescription: String { "\(preset)\(testCrop.map { " @\($0)" } ?? "")" }
  }

  static let rows: [Row] = [
    Row(preset: .x2d, macs: 20_662_304, params: 1_633_560, paramsNoBN: 1_625_352),
    Row(preset: .xs, macs: 605_256_512, params: 3_794_322, paramsNoBN: 3_762_858, activations: 11_218_968),
    Row(preset: .s, macs: 1_962_892_112, params: 3_794_322, paramsNoBN: 3_762_858),
    Row(preset: .m, macs: 4_732_468_736, params: 3_794_322, paramsNoBN: 3_762_858, activations: 87_914_520),
    Row(preset: .l, macs: 18_367_710_176, params: 6_153_432, paramsNoBN: 6_087_120),
    Row(preset: .xl, macs: 35_837_627_616, params: 11_095_904, paramsNoBN: 11_000_260, activations: 412_166_188),
    Row(preset: .m, testCrop: 256, macs: 6_185_725_184),
    Row(preset: .l, testCrop: 356, macs: 24_777_648_768),
    Row(preset: .xl, testCrop: 356, macs: 48_423_725_120, activations: 547_306_828),
  ]

  @Test(arguments: rows)
  func reproducesReference(_ row: Row) throws {
    var configuration = try ModelConfiguration(preset: row.preset)
    configuration.testCrop = row.testCrop
    for perLayer in [false, true] {
      let totals = try CostReport(configuration, perLayer: perLayer).totals
      #expect(totals[.macs] == row.macs)
      if let params = row.params { #expect(totals[.params] == params) }
      if let paramsNoBN = row.paramsNoBN { #expect(totals[.paramsNoBN] == paramsNoBN) }
      if let activations = row.activations { #expect(totals[.activations] == activations) }
    }
  }

  /// pytorchvideo has no BatchNorm on res2's first shortcut (equal widths): 2·C fewer parameters, 48 for the
  /// width-2 models, 64 for XL (C = 32).
  @Test(arguments: [(Preset.xs, 48), (.s, 48), (.m, 48), (.l, 48), (.xl, 64)])
  func pytorchvideoLacksOneShortcutNorm(_ preset: Preset, _ difference: Int) throws {
    let paper = try CostReport(ModelConfiguration(preset: preset)).totals
    let video = try CostReport(ModelConfiguration(preset: preset, implementation: .pytorchvideo)).totals
    #expect(paper[.params] - video[.params] == difference)
    #expect(paper[.paramsNoBN] == video[.paramsNoBN])
    #expect(paper[.macs] == video[.macs])
  }

  @Test func currentSlowFastRoundingChangesXL() throws {
    let totals = try CostReport(ModelConfiguration(preset: .xl, implementation: .slowfast)).totals
    #expect((Double(totals[.macs]) / 1e9 * 100).rounded() / 100 == 36.65)
  }

  /// MACs are exactly affine in T: X3D-M at 224 is 295,662,864·T + 1,862,912.
  @Test(arguments: [1, 2, 3, 7, 16, 33])
  func macsAreAffineInFrames(_ frames: Int) throws {
    let configuration = try ModelConfiguration(
      frames: frames, crop: 224, widthFactor: 2, depthFactor: 2.2, bottleneckFactor: 2.25)
    #expect(try CostReport.totals(configuration)[.macs] == 295_662_864 * frames + 1_862_912)
  }

  /// fvcore on pytorchvideo's X3D-M reports 4.896 G; the SlowFast model has one more BatchNorm (4.899 G).
  @Test func fvcoreFigureForM() throws {
    let video = try CostReport.totals(ModelConfiguration(preset: .m, implementation: .pytorchvideo))
    #expect(video[.fvcoreFlops] == 4_896_243_200)
    let paper = try CostReport.totals(ModelConfiguration(preset: .m))
    #expect(paper[.fvcoreFlops] == 4_896_243_200 + 2 * (24 * 16 * 56 * 56))
  }
}
