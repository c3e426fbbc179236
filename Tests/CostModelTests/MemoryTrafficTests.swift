import Testing
import X3DModel

@testable import CostModel

/// ``MemoryTraffic`` against closed forms worked out by hand for X3D-XS (`1×3×4×160²`), and the per-axis count of
/// distinct positions against a brute-force set of covered positions.
@Suite("Memory traffic formulas")
struct MemoryTrafficTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var node: String
    /// Bytes at f32.
    var read: Int
    var written: Int
    var testDescription: String { node }
  }

  static let cases: [Case] = [
    Case(node: "input", read: 0, written: 4 * 3 * 4 * 160 * 160),
    // All 160 rows are covered (k 3 ≥ s 2); weights 24·3·3·3.
    Case(node: "s1.pathway0_stem.conv_xy", read: 4 * (3 * 4 * 160 * 160 + 648), written: 4 * 24 * 4 * 80 * 80),
    Case(node: "s1.pathway0_stem.bn", read: 4 * (24 * 4 * 80 * 80 + 4 * 24), written: 4 * 24 * 4 * 80 * 80),
    Case(node: "s2.pathway0_res0.branch2.b", read: 4 * (54 * 4 * 80 * 80 + 1458), written: 4 * 54 * 4 * 40 * 40),
    // Strided 1×1×1 shortcut: only every other row and column is read.
    Case(node: "s2.pathway0_res0.branch1", read: 4 * (24 * 4 * 40 * 40 + 576), written: 4 * 24 * 4 * 40 * 40),
    Case(node: "s2.pathway0_res0.branch2.se.avg_pool", read: 4 * 54 * 4 * 40 * 40, written: 4 * 54),
    Case(node: "s2.pathway0_res0.branch2.se.fc1", read: 4 * (54 + 54 * 8 + 8), written: 4 * 8),
    Case(node: "s2.pathway0_res0.branch2.se", read: 4 * (54 * 4 * 40 * 40 + 54), written: 4 * 54 * 4 * 40 * 40),
    Case(node: "s2.pathway0_res0.add", read: 4 * 2 * 24 * 4 * 40 * 40, written: 4 * 24 * 4 * 40 * 40),
    Case(node: "s2.pathway0_res0.branch2.b_relu", read: 4 * 54 * 4 * 40 * 40, written: 4 * 54 * 4 * 40 * 40),
  ]

  static let xs = try! LayerGraph(ModelConfiguration(preset: .xs))

  @Test("bytes read and written at f32 and f16", arguments: cases)
  func bytes(_ test: Case) throws {
    let node = try #require(Self.xs.nodes.first { $0.path.description == test.node })
    let f32 = try MemoryTraffic.of(node, elementType: .f32)
    #expect(f32.bytesRead == test.read)
    #expect(f32.bytesWritten == test.written)
    let f16 = try MemoryTraffic.of(node, elementType: .f16)
    #expect(f16.bytesRead * 2 == test.read)
    #expect(f16.bytesWritten * 2 == test.written)
  }

  @Test("arithmetic intensity is full FLOPs over all bytes moved")
  func intensity() throws {
    let node = try #require(Self.xs.nodes.first { $0.path.description == "s2.pathway0_res0.branch2.a" })
    let traffic = try MemoryTraffic.of(node)
    let flops = try CostFormulas.cost(of: node)[.flops]
    #expect(flops == 2 * 33_177_600)
    let bytes = 4 * (24 * 4 * 80 * 80 + 1296) + 4 * 54 * 4 * 80 * 80
    #expect(traffic.bytes == bytes)
    #expect(traffic.arithmeticIntensity(flops: flops) == Double(2 * 33_177_600) / Double(bytes))
  }

  @Test("distinct positions along an axis equal the brute-force covered set")
  func distinctPositions() {
    for extent in 1...12 {
      for kernel in 1...5 {
        for stride in 1...3 {
          for padding in 0...2 {
            guard
              let outputs = Convolution.outputExtent(input: extent, kernel: kernel, stride: stride, padding: padding)
            else { continue }
            var covered = Set<Int>()
            for j in 0..<outputs {
              for k in 0..<kernel where (0..<extent).contains(j * stride - padding + k) {
                covered.insert(j * stride - padding + k)
              }
            }
            #expect(
              MemoryTraffic.distinct(extent, kernel, stride, padding, outputs) == covered.count,
              "n \(extent) k \(kernel) s \(stride) p \(padding)")
          }
        }
      }
    }
  }
}
