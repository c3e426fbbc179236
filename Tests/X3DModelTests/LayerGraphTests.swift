import Testing
import X3DModel

struct LayerGraphTests {
  static let configurations: [ModelConfiguration] = {
    var result: [ModelConfiguration] = []
    for preset in Preset.allCases {
      for implementation in ImplementationVariant.allCases {
        result.append(try! ModelConfiguration(preset: preset, implementation: implementation))
      }
    }
    result.append(
      try! ModelConfiguration(frames: 3, crop: 37, widthFactor: 1.3, depthFactor: 0.4, bottleneckFactor: 1.7))
    return result
  }()

  /// Every node's `consumerCount` is the number of later nodes that list it as an input; inputs precede readers.
  @Test(arguments: configurations)
  func consumerCountsMatchReaders(_ configuration: ModelConfiguration) throws {
    let graph = try LayerGraph(configuration)
    var readers = Array(repeating: 0, count: graph.nodes.count)
    for node in graph.nodes {
      for input in node.inputs {
        #expect(input < node.index)
        readers[input] += 1
      }
    }
    for node in graph.nodes {
      #expect(node.consumerCount == readers[node.index], "\(node.path)")
    }
    #expect(graph.output.consumerCount == 0)
    #expect(graph.nodes.enumerated().allSatisfy { $0.offset == $0.element.index })
  }

  @Test func mediumGraphShape() throws {
    let graph = try LayerGraph(ModelConfiguration(preset: .m))
    let names = graph.nodes.map(\.path.description)
    #expect(Set(names).count == names.count)
    #expect(names.contains("s4.pathway0_res10.branch2.se.fc2"))
    #expect(!names.contains("s4.pathway0_res9.branch2.se.fc2"))
    #expect(names.contains("s2.pathway0_res0.branch1_bn"))
    #expect(graph.input.outputShape.dimensions == [1, 3, 16, 224, 224])
    #expect(graph.output.outputShape.dimensions == [1, 400])
    let res5 = graph.nodes.first { $0.path.description == "s5.pathway0_res0.branch2.b" }!
    #expect(res5.outputShape.dimensions == [1, 432, 16, 7, 7])
    let pool = graph.nodes.first { $0.path.description == "head.avg_pool" }!
    #expect(pool.kind == .averagePool(kernel: Triple(16, 7, 7)))
    #expect(pool.outputShape.dimensions == [1, 432, 1, 1, 1])
  }

  @Test func pytorchvideoHasNoEqualWidthShortcutNorm() throws {
    let graph = try LayerGraph(ModelConfiguration(preset: .m, implementation: .pytorchvideo))
    let names = graph.nodes.map(\.path.description)
    #expect(!names.contains("s2.pathway0_res0.branch1_bn"))
    #expect(names.contains("s3.pathway0_res0.branch1_bn"))
    // pytorchvideo evaluates the shortcut before the bottleneck branch.
    #expect(names.firstIndex(of: "s3.pathway0_res0.branch1")! < names.firstIndex(of: "s3.pathway0_res0.branch2.a")!)
  }

  @Test func distinctBlocksStandForEveryBlock() throws {
    let configuration = try ModelConfiguration(preset: .l)
    let full = try LayerGraph(configuration)
    let compact = try LayerGraph(configuration, granularity: .distinctBlocks)
    #expect(compact.nodes.count < full.nodes.count / 3)
    #expect(compact.nodes.map(\.repeatCount).reduce(0, +) > 0)
    let fullCount = full.nodes.count
    let represented = compact.nodes.reduce(0) { $0 + $1.repeatCount }
    #expect(represented == fullCount)
  }

  @Test func testCropLeavesSeveralPositions() throws {
    var configuration = try ModelConfiguration(preset: .xl)
    configuration.testCrop = 356
    let graph = try LayerGraph(configuration)
    let scores = graph.nodes.first { $0.path.description == "head.projection" }!
    #expect(scores.outputShape.dimensions == [1, 400, 1, 3, 3])
  }
}

struct ModelRequestTests {
  @Test func defaultsToX2D() throws {
    let configuration = try ModelRequest().resolve()
    #expect(configuration.frames == 1)
    #expect(configuration.crop == 112)
    #expect(configuration.widthFactor == 2)
    #expect(configuration.gammas == .x2d)
  }

  @Test(arguments: [(1.0, 112), (1.4142, 160), (2.0, 224), (2.8284, 320), (0.5, 56), (1.1, 120)])
  func spatialFactorRoundsCropToEight(_ gammaS: Double, _ crop: Int) throws {
    var request = ModelRequest()
    request.gammaS = gammaS
    #expect(try request.resolve().crop == crop)
  }

  @Test(arguments: [(0.2, 1), (1.49, 1), (1.5, 2), (12.7, 13)])
  func temporalFactorRoundsFrames(_ gammaT: Double, _ frames: Int) throws {
    var request = ModelRequest()
    request.gammaT = gammaT
    #expect(try request.resolve().frames == frames)
  }

  @Test func precedence() throws {
    var request = ModelRequest(preset: .m)
    request.gammaW = 1.45
    request.gammaT = 4
    request.frames = 9
    let configuration = try request.resolve()
    #expect(configuration.frames == 9)
    #expect(configuration.widthFactor == 2.9)
    #expect(configuration.depthFactor == 2.2)
    #expect(configuration.crop == 224)
    #expect(configuration.gammas.gammaTau == 5)
    #expect(configuration.gammas.gammaW == 1.45)
  }

  @Test func badValuesNameTheFlag() {
    var request = ModelRequest()
    request.gammaB = -1
    #expect(throws: ConfigurationError.invalidFactor(
      parameter: .gammaB, value: -1, reason: "must be a finite number greater than 0")) { try request.resolve() }
    request = ModelRequest()
    request.crop = 0
    #expect { try request.resolve() } throws: { error in
      (error as? ConfigurationError)?.description.contains("--crop: 0") == true
    }
  }
}
