import Testing
import X3DModel

struct RoundingTests {
  @Test(arguments: [(54, 8), (108, 8), (216, 16), (432, 32), (27, 8), (16, 8), (1024, 64)])
  func squeezeWidth(_ inner: Int, _ expected: Int) {
    #expect(WidthRounding.squeezeWidth(inner) == expected)
  }

  @Test(arguments: [(2.2, [3, 5, 11, 7]), (5.0, [5, 10, 25, 15]), (1.0, [1, 2, 5, 3]), (0.4, [1, 1, 2, 2])])
  func repeats(_ depth: Double, _ expected: [Int]) {
    #expect([1, 2, 5, 3].map { WidthRounding.roundRepeats($0, depthFactor: depth) } == expected)
  }

  @Test func baseWidthsDoubleFromTwelve() {
    var widths = [12]
    for _ in 0..<3 { widths.append(WidthRounding.roundWidth(widths.last!, multiplier: 2, minimum: 8, divisor: 8)) }
    #expect(widths == [12, 24, 48, 96])
  }

  @Test func xlWidthsDependOnDivisor() throws {
    let paper = try X3DArchitecture(ModelConfiguration(preset: .xl))
    #expect(paper.stemWidth == 32)
    #expect(paper.stages.map(\.width) == [32, 72, 136, 280])
    let slowfast = try X3DArchitecture(ModelConfiguration(preset: .xl, implementation: .slowfast))
    #expect(slowfast.stemWidth == 35)
    #expect(slowfast.stages.map(\.width) == [35, 70, 139, 278])
  }

  @Test func mediumArchitecture() throws {
    let a = try X3DArchitecture(ModelConfiguration(preset: .m))
    #expect(a.stemWidth == 24)
    #expect(a.stages.map(\.width) == [24, 48, 96, 192])
    #expect(a.stages.map(\.innerWidth) == [54, 108, 216, 432])
    #expect(a.stages.map(\.squeezeWidth) == [8, 8, 16, 32])
    #expect(a.stages.map(\.blocks) == [3, 5, 11, 7])
    #expect(a.headInnerWidth == 432)
    #expect(a.poolKernel == Triple(16, 7, 7))
  }
}
