import Foundation
import X3DModel

/// The pytorchvideo model a golden case was made from: the keys both fixture scripts write for every case.
struct GoldenModel: Decodable, Sendable {
  var frames: Int
  var crop: Int
  var test_crop: Int?
  var width_factor: Double
  var depth_factor: Double
  var bottleneck_factor: Double
  var classes: Int
  var batch: Int

  func configuration() throws -> ModelConfiguration {
    try ModelConfiguration(
      frames: frames, crop: crop, testCrop: test_crop, widthFactor: width_factor, depthFactor: depth_factor,
      bottleneckFactor: bottleneck_factor, classes: classes, batch: batch, implementation: .pytorchvideo)
  }
}
