import ExpansionSearch
import Foundation
import Testing
import X3DModel

struct NASWOTTests {
  @Test func scoreIsDeterministicFiniteAndArchitectureDependent() throws {
    let proxy = try NASWOTCriterion(batch: 4, seed: 3, backend: .reference, threads: 1)
    let small = try ModelConfiguration(frames: 1, crop: 32, widthFactor: 1, depthFactor: 0.4, bottleneckFactor: 1)
    let wide = try ModelConfiguration(frames: 1, crop: 32, widthFactor: 2, depthFactor: 0.4, bottleneckFactor: 1)
    let a = try proxy.logDeterminantScore(small)
    #expect(a.isFinite)
    #expect(try proxy.logDeterminantScore(small) == a)
    #expect(try proxy.logDeterminantScore(wide) != a)
    // The kernel's diagonal is the ReLU count, so log det ≤ N · log(N_A).
    #expect(a > 0)
  }

  @Test func logDeterminantOfKnownMatrices() throws {
    let m: [[Double]] = [[4, 3], [6, 3]]  // det = −6
    let value = try #require(NASWOTCriterion.logAbsDeterminant(m))
    #expect(abs(value - log(6)) < 1e-12)
    #expect(NASWOTCriterion.logAbsDeterminant([[1, 2], [2, 4]]) == nil)
  }

  @Test func kernelCountsAgreements() {
    // Two clips, three units: patterns (clip0, clip1) = (1,1), (1,0), (0,0).
    var histogram = [0, 0, 0, 0]
    histogram[0b11] = 1
    histogram[0b01] = 1
    histogram[0b00] = 1
    #expect(NASWOTCriterion.kernel(histogram, batch: 2) == [[3, 2], [2, 3]])
  }

  @Test func rejectsBadBatch() {
    #expect(throws: SearchError.self) { try NASWOTCriterion(batch: 1) }
  }
}
