import X3DModel

/// Kinetics-400 top-1 accuracies of the presets as published (x3d-reference.md §6), one dataset per source.
/// They attach to the presets' configurations (train crop, the preset's sampling rate, implementation `paper`).
public struct PublishedDataset: Sendable {
  public var name: String
  public var source: String
  public var description: String
  /// The test protocol the accuracies were measured with.
  public var views: TestViews
  public var top1: [(Preset, Double)]

  public static let all: [PublishedDataset] = [
    PublishedDataset(
      name: "paper-table3",
      source:
        "Feichtenhofer, X3D: Expanding Architectures for Efficient Video Recognition, CVPR 2020, Table 3",
      description: "Kinetics-400 top-1 (%), 10 center clips",
      views: TestViews(clips: 10, crops: 1),
      top1: [(.xs, 68.6), (.s, 72.9), (.m, 74.6), (.l, 76.8), (.xl, 78.4)]),
    PublishedDataset(
      name: "slowfast-model-zoo",
      source: "facebookresearch/SlowFast MODEL_ZOO.md, Kinetics/X3D",
      description: "Kinetics-400 top-1 (%), 30 views (10 clips x 3 crops)",
      views: TestViews(clips: 10, crops: 3),
      top1: [(.xs, 69.5), (.s, 73.5), (.m, 76.2), (.l, 77.5)]),
    PublishedDataset(
      name: "pytorchvideo-model-zoo",
      source: "facebookresearch/pytorchvideo MODEL_ZOO.md, Kinetics-400 X3D",
      description: "Kinetics-400 top-1 (%), 30 views (10 clips x 3 crops)",
      views: TestViews(clips: 10, crops: 3),
      top1: [(.xs, 69.12), (.s, 73.33), (.m, 75.94), (.l, 77.44)]),
  ]
}
