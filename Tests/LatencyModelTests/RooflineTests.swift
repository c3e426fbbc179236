import CostModel
import Testing
import X3DModel

@testable import LatencyModel

@Suite("Roofline prediction")
struct RooflineTests {
  static let xs = try! LayerGraph(ModelConfiguration(preset: .xs))
  static func node(_ path: String) -> LayerNode { xs.nodes.first { $0.path.description == path }! }

  @Test("X3D-XS branch2.a on an H200 at f32: memory-bound, bytes over 4.8 TB/s")
  func pointwiseOnH200() throws {
    let roofline = try Roofline(HardwareProfile.builtIn["h200"]!, elementType: .f32)
    let node = Self.node("s2.pathway0_res0.branch2.a")
    let prediction = try roofline.predict(node, cost: try CostFormulas.cost(of: node))
    // 2·33,177,600 FLOPs / 67e12 = 0.99 µs < (24·4·80²+1296 + 54·4·80²)·4 bytes / 4.8e12 = 1.665 µs.
    let bytes = Double(4 * (24 * 4 * 80 * 80 + 1296) + 4 * 54 * 4 * 80 * 80)
    #expect(prediction.bound == .memory)
    #expect(abs(prediction.seconds - bytes / 4.8e12) < 1e-18)
  }

  @Test("the same node at f32 on a slow-compute profile is compute-bound, plus its overhead")
  func computeBoundWithOverhead() throws {
    var profile = HardwareProfile(name: "p", source: "", peakFlopsPerSecond: [.f32: 1e9], memoryBytesPerSecond: 1e12)
    profile.classes[.pointwise] = ClassParameters(computeEfficiency: 0.5, memoryEfficiency: 1, overheadSeconds: 1e-3)
    let roofline = try Roofline(profile, elementType: .f32)
    let node = Self.node("s2.pathway0_res0.branch2.a")
    let prediction = try roofline.predict(node, cost: try CostFormulas.cost(of: node))
    #expect(prediction.bound == .compute)
    #expect(abs(prediction.seconds - (2 * 33_177_600 / 0.5e9 + 1e-3)) < 1e-12)
    // A tiny SE node is overhead-bound when its class has an overhead.
    profile.classes[.se] = ClassParameters(computeEfficiency: 1, memoryEfficiency: 1, overheadSeconds: 1e-3)
    let se = Self.node("s2.pathway0_res0.branch2.se.fc1")
    #expect(
      try Roofline(profile, elementType: .f32).predict(se, cost: try CostFormulas.cost(of: se)).bound == .overhead)
  }

  @Test("rows in vectors of 8 lanes: a depthwise node 5 wide is priced at 8/5 of its FLOPs, other classes as counted")
  func rowVectorLanes() throws {
    var profile = HardwareProfile(name: "p", source: "", peakFlopsPerSecond: [.f32: 1e9], memoryBytesPerSecond: 1e15)
    let plain = try Roofline(profile, elementType: .f32)
    profile.rowVectorLanes = 8
    let laned = try Roofline(profile, elementType: .f32)
    // X3D-XS at 160²: res5's planes are 5×5, res2's 40×40 (5 vectors of 8: nothing wasted).
    let res5 = Self.node("s5.pathway0_res0.branch2.b")
    let res2 = Self.node("s2.pathway0_res0.branch2.b")
    #expect(res5.outputShape.width == 5 && res2.outputShape.width == 40)
    for (node, ratio) in [(res5, 8.0 / 5), (res2, 1.0)] {
      let cost = try CostFormulas.cost(of: node)
      let seconds = laned.predict(node, cost: cost).seconds
      #expect(abs(seconds - ratio * plain.predict(node, cost: cost).seconds) <= 1e-12 * seconds)
      #expect(abs(seconds - ratio * Double(cost[.flops]) / 1e9) <= 1e-12 * seconds)
    }
    let pointwise = Self.node("s5.pathway0_res0.branch2.a")
    let cost = try CostFormulas.cost(of: pointwise)
    #expect(laned.predict(pointwise, cost: cost) == plain.predict(pointwise, cost: cost))
    // NetworkWork carries each node's row width, so a whole network agrees with the per-node sum.
    let work = try NetworkWork(Self.xs.configuration)
    #expect(abs(work.seconds(on: laned) - (try laned.predict(Self.xs))) <= 1e-12 * work.seconds(on: laned))
    #expect(work.seconds(on: laned) > work.seconds(on: plain))
  }

  @Test("memory that does not overlap compute: the two terms add, the bound is the larger")
  func additiveTerms() throws {
    var profile = HardwareProfile(name: "p", source: "", peakFlopsPerSecond: [.f32: 1e9], memoryBytesPerSecond: 1e9)
    profile.classes[.pointwise] = ClassParameters(computeEfficiency: 1, memoryEfficiency: 1, overheadSeconds: 1e-6)
    profile.memoryOverlapsCompute = false
    let node = Self.node("s2.pathway0_res0.branch2.a")
    let cost = try CostFormulas.cost(of: node)
    let prediction = try Roofline(profile, elementType: .f32).predict(node, cost: cost)
    let (compute, memory) = (Double(cost[.flops]) / 1e9, Double(cost[.bytesRead] + cost[.bytesWritten]) / 1e9)
    #expect(abs(prediction.seconds - (compute + memory + 1e-6)) <= 1e-12 * prediction.seconds)
    #expect(prediction.bound == (compute >= memory ? .compute : .memory))
  }

  @Test("classes: every node of X3D-XS but the input has one; the blocks' nodes by module")
  func classes() {
    #expect(NodeClass(Self.xs.input) == nil)
    #expect(Self.xs.nodes.dropFirst().allSatisfy { NodeClass($0) != nil })
    #expect(NodeClass(Self.node("s1.pathway0_stem.conv_xy")) == .stem)
    #expect(NodeClass(Self.node("s2.pathway0_res0.branch1")) == .pointwise)
    #expect(NodeClass(Self.node("s2.pathway0_res0.branch2.b")) == .depthwise)
    #expect(NodeClass(Self.node("s2.pathway0_res0.branch2.se.avg_pool")) == .se)
    #expect(NodeClass(Self.node("s2.pathway0_res0.branch2.se")) == .elementwise)
    #expect(NodeClass(Self.node("head.projection")) == .head)
  }

  @Test("a whole network is the sum of its nodes")
  func network() throws {
    let roofline = try Roofline(HardwareProfile.builtIn["a100"]!, elementType: .f16)
    var sum = 0.0
    for node in Self.xs.nodes {
      sum += roofline.predict(node, cost: try CostFormulas.cost(of: node, elementType: .f16)).seconds
    }
    let total = try roofline.predict(Self.xs)
    #expect(abs(total - sum) <= 1e-12 * sum)
    let work = try NetworkWork(Self.xs.configuration, elementType: .f16)
    #expect(abs(work.seconds(on: roofline) - sum) <= 1e-12 * sum)
    #expect(work.macs == 605_256_512)
  }
}
