import Testing
import X3DModel

struct ExportTests {
  @Test func mediumInEveryForm() throws {
    let m = try ModelConfiguration(preset: .m)
    #expect(m.gammaFlags == "--gamma-tau 5 --gamma-t 16 --gamma-s 2 --gamma-w 1 --gamma-b 2.25 --gamma-d 2.2")
    #expect(m.slowFastYAML.contains("  NUM_FRAMES: 16\n  SAMPLING_RATE: 5\n  TRAIN_CROP_SIZE: 224\n"))
    #expect(m.slowFastYAML.contains("  WIDTH_FACTOR: 2.0\n  DEPTH_FACTOR: 2.2\n  BOTTLENECK_FACTOR: 2.25\n"))
    #expect(
      m.pytorchvideoArguments
        == "create_x3d(input_clip_length=16, input_crop_size=224, model_num_class=400, width_factor=2.0, depth_factor=2.2, bottleneck_factor=2.25)"
    )
  }

  @Test func fractionalSamplingRateIsRoundedWithANote() throws {
    var request = ModelRequest()
    request.gammaTau = 0.5
    let configuration = try request.resolve()
    #expect(configuration.slowFastYAML.contains("SAMPLING_RATE: 1  # γτ = 0.5, rounded"))
  }

  @Test func flagsRoundTrip() throws {
    let xl = try ModelConfiguration(preset: .xl)
    var request = ModelRequest()
    let values = xl.gammaFlags.split(separator: " ").enumerated().filter { $0.offset % 2 == 1 }.map { Double($0.element)! }
    (request.gammaTau, request.gammaT, request.gammaS, request.gammaW, request.gammaB, request.gammaD) =
      (values[0], values[1], values[2], values[3], values[4], values[5])
    let again = try request.resolve()
    #expect(again.frames == xl.frames && again.crop == xl.crop && again.widthFactor == xl.widthFactor)
    #expect(again.depthFactor == xl.depthFactor && again.bottleneckFactor == xl.bottleneckFactor)
  }
}
