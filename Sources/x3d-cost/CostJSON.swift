import CostModel
import Foundation
import SweepStore
import X3DModel

/// The JSON contract of `x3d-cost --format json` (docs/json.md): `config`, `totals`, `headline`, `architecture`,
/// and on request `stages` and `layers`. Integers are exact counts; keys never change meaning.
struct CostJSON: Encodable {
  struct Config: Encodable {
    var preset: String?
    var gamma_tau, gamma_t, gamma_s, gamma_w, gamma_b, gamma_d: Double
    var frames, crop, test_crop: Int
    var sampling_rate: Double
    var width_factor, depth_factor, bottleneck_factor: Double
    var classes, batch: Int
    var dtype, impl: String
  }

  struct Headline: Encodable {
    var convention: String
    var value: Int
    var label: String
  }

  struct Stage: Encodable {
    var name: String
    var width: Int
    var inner_width: Int
    var blocks: Int
    var se_width: Int
  }

  struct Architecture: Encodable {
    var stem_width: Int
    var stages: [Stage]
    var head_inner_width, head_out_width, classes: Int
    var pool_kernel: [Int]
  }

  /// `fields` of `costs`, each under its ``CostField/name`` (and, for `totals`, the nested `training` object).
  struct Fields: Encodable {
    var costs: CostVector
    var fields: [CostField]
    var training: TrainingJSON? = nil
    func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: Key.self)
      for field in fields { try container.encode(costs[field], forKey: Key(stringValue: field.name)!) }
      if let training { try container.encode(training, forKey: Key(stringValue: "training")!) }
    }
  }

  struct Layer: Encodable {
    var name, kind, stage: String
    var input_shape, output_shape: [Int]
    var kernel, stride, padding: [Int]?
    var groups: Int?
    var costs: Fields
    /// `--hardware`: the node's predicted time (µs) and what bounds it.
    var predicted_us: Double?
    var bound: String?

    func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: Key.self)
      func put<T: Encodable>(_ value: T?, _ key: String) throws {
        if let value { try container.encode(value, forKey: Key(stringValue: key)!) }
      }
      try put(name, "name")
      try put(kind, "kind")
      try put(stage, "stage")
      try put(input_shape, "input_shape")
      try put(output_shape, "output_shape")
      try put(kernel, "kernel")
      try put(stride, "stride")
      try put(padding, "padding")
      try put(groups, "groups")
      try put(predicted_us, "predicted_us")
      try put(bound, "bound")
      try costs.encode(to: encoder)
    }
  }

  struct StageTotals: Encodable {
    var stage: String
    var costs: Fields

    func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: Key.self)
      try container.encode(stage, forKey: Key(stringValue: "stage")!)
      try costs.encode(to: encoder)
    }
  }

  /// `--views`: the protocol and the costs per video (per view × count).
  struct Views: Encodable {
    var clips, crops, count: Int
    /// Null where the product does not fit in 64 bits.
    var macs_per_video, fvcore_flops_per_video, flops_per_video: Int?
  }

  /// `--hardware`: the predicted latency on a profile (a prediction: docs/latency.md gives its measured accuracy).
  struct Latency: Encodable {
    var hardware: String
    var calibrated: Bool
    var predicted_ms: Double
    /// Milliseconds of the nodes bound by compute, memory and overhead.
    var ms_by_bound: [String: Double]
  }

  var config: Config
  var totals: Fields
  var headline: Headline
  var architecture: Architecture
  var stages: [StageTotals]?
  var layers: [Layer]?
  var views: Views?
  var latency: Latency?

  init(_ view: CostView) {
    let report = view.report
    let c = report.configuration
    let g = c.gammas
    config = Config(
      preset: Preset.matching(c)?.rawValue, gamma_tau: g.gammaTau, gamma_t: g.gammaT, gamma_s: g.gammaS,
      gamma_w: g.gammaW, gamma_b: g.gammaB, gamma_d: g.gammaD, frames: c.frames, crop: c.crop,
      test_crop: c.evaluatedCrop, sampling_rate: c.samplingRate, width_factor: c.widthFactor,
      depth_factor: c.depthFactor, bottleneck_factor: c.bottleneckFactor, classes: c.classes, batch: c.batch,
      dtype: report.elementType.rawValue, impl: c.implementation.rawValue)
    totals = Fields(
      costs: report.totals, fields: CostField.networkTotals,
      training: TrainingJSON(report.totals, stepMemory: view.trainingStep))
    headline = Headline(
      convention: view.convention.rawValue, value: view.convention.value(of: report.totals),
      label: view.convention.label)
    let a = report.architecture
    architecture = Architecture(
      stem_width: a.stemWidth,
      stages: a.stages.map {
        Stage(
          name: $0.id.name, width: $0.width, inner_width: $0.innerWidth, blocks: $0.blocks, se_width: $0.squeezeWidth)
      },
      head_inner_width: a.headInnerWidth, head_out_width: a.headOutWidth, classes: a.classes,
      pool_kernel: [a.poolKernel.t, a.poolKernel.h, a.poolKernel.w])
    if view.perStage {
      stages = report.stages.map {
        StageTotals(stage: $0.stage.name, costs: Fields(costs: $0.costs, fields: StageCost.fields))
      }
    }
    if view.perLayer {
      layers = report.layers.enumerated().map { index, row in
        var layer = Self.layer(row)
        if let prediction = view.latency?.rows[index].prediction {
          layer.predicted_us = prediction.seconds * 1e6
          layer.bound = prediction.seconds == 0 ? nil : prediction.bound.rawValue
        }
        return layer
      }
    }
    if let l = view.latency {
      latency = Latency(
        hardware: l.profile.name, calibrated: !l.profile.classes.isEmpty, predicted_ms: l.totalSeconds * 1e3,
        ms_by_bound: Dictionary(uniqueKeysWithValues: l.secondsByBound.map { ($0.key.rawValue, $0.value * 1e3) }))
    }
    if let v = view.views {
      let t = report.totals
      views = Views(
        clips: v.clips, crops: v.crops, count: v.count,
        macs_per_video: Self.product(t[.macs], v.count),
        fvcore_flops_per_video: Self.product(t[.fvcoreFlops], v.count),
        flops_per_video: Self.product(t[.flops], v.count))
    }
  }

  /// `a·b`, or nil when it does not fit.
  static func product(_ a: Int, _ b: Int) -> Int? {
    let (value, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? nil : value
  }

  static func layer(_ row: LayerRow) -> Layer {
    var layer = Layer(
      name: row.name, kind: row.kind, stage: row.node.path.stage.name, input_shape: row.node.inputShape.dimensions,
      output_shape: row.node.outputShape.dimensions, costs: Fields(costs: row.cost, fields: CostField.perLayer))
    switch row.node.kind {
    case .convolution(let conv):
      layer.kernel = [conv.kernel.t, conv.kernel.h, conv.kernel.w]
      layer.stride = [conv.stride.t, conv.stride.h, conv.stride.w]
      layer.padding = [conv.padding.t, conv.padding.h, conv.padding.w]
      layer.groups = conv.groups
    case .averagePool(let kernel):
      layer.kernel = [kernel.t, kernel.h, kernel.w]
      layer.stride = [1, 1, 1]
    case .input, .batchNorm, .relu, .swish, .sigmoid, .globalAveragePool, .channelScale, .residualAdd, .linear,
      .softmax, .positionMean:
      break
    }
    return layer
  }

  func encoded() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
  }

  struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }
}
