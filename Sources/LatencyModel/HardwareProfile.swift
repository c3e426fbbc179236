import CostModel
import Foundation

/// A machine for the roofline: peak arithmetic per element type, memory bandwidth, and optional calibrated
/// parameters per ``NodeClass``.
///
/// As JSON (docs/latency.md):
///
/// ```json
/// {"name": "a100", "source": "NVIDIA A100 datasheet",
///  "peak_flops_per_s": {"f32": 1.95e13, "f16": 3.12e14, "bf16": 3.12e14},
///  "memory_bytes_per_s": 2.039e12,
///  "classes": {"pointwise": {"compute_efficiency": 0.4, "memory_efficiency": 0.7, "overhead_us": 5}},
///  "row_vector_lanes": 1, "memory_overlaps_compute": true}
/// ```
///
/// Peaks count a fused multiply-add as two FLOPs (as data sheets do, and as full FLOPs do).
public struct HardwareProfile: Hashable, Sendable {
  public var name: String
  /// Where the numbers come from: a data sheet, a measurement, a calibration.
  public var source: String
  /// Peak FLOP/s for each element type the machine is rated for (all positive and finite).
  public var peakFlopsPerSecond: [ElementType: Double]
  /// Memory bandwidth, bytes per second (positive and finite).
  public var memoryBytesPerSecond: Double
  /// Calibrated parameters; a class without an entry uses ``ClassParameters/roofline``.
  public var classes: [NodeClass: ClassParameters]
  /// `L`: the lanes of the vectors a depthwise kernel computes each output row in (1: no rounding). A row of `W`
  /// outputs then costs `⌈W/L⌉·L` outputs' work, so depthwise FLOPs are priced at `⌈W/L⌉·L/W` times their count
  /// (``Roofline/pricedFlops(_:rowWidth:nodeClass:)``). A property of the kernels as much as of the machine: 8 for
  /// the executor's depthwise kernels (eight f32 lanes along W), 1 where a library vectorises over channels.
  public var rowVectorLanes: Int
  /// Whether a node's memory traffic hides behind its arithmetic (the roofline's `max` of the two terms, true) or
  /// adds to it (their sum, false: a core that stalls on the traffic it does not prefetch). Calibration chooses.
  public var memoryOverlapsCompute: Bool

  public init(
    name: String, source: String, peakFlopsPerSecond: [ElementType: Double], memoryBytesPerSecond: Double,
    classes: [NodeClass: ClassParameters] = [:], rowVectorLanes: Int = 1, memoryOverlapsCompute: Bool = true
  ) {
    self.name = name
    self.source = source
    self.peakFlopsPerSecond = peakFlopsPerSecond
    self.memoryBytesPerSecond = memoryBytesPerSecond
    self.classes = classes
    self.rowVectorLanes = rowVectorLanes
    self.memoryOverlapsCompute = memoryOverlapsCompute
  }

  /// The largest ``rowVectorLanes`` a profile may give (a 2048-bit vector of bytes).
  public static let maximumRowVectorLanes = 256

  /// The parameters of `nodeClass`: calibrated, or the plain roofline bound.
  public func parameters(_ nodeClass: NodeClass) -> ClassParameters { classes[nodeClass] ?? .roofline }

  /// The peak for `elementType`, or an error naming the types the profile has.
  public func peak(_ elementType: ElementType) throws(LatencyError) -> Double {
    guard let peak = peakFlopsPerSecond[elementType] else {
      throw .missingPeak(
        profile: name, elementType: elementType.rawValue,
        available: ElementType.allCases.filter { peakFlopsPerSecond[$0] != nil }.map(\.rawValue))
    }
    return peak
  }
}

/// How a class of nodes deviates from the roofline: `time = max(FLOPs / (peak·e), bytes / (bandwidth·m)) + o` (the
/// sum of the two terms instead of the larger where the profile's memory does not overlap compute).
public struct ClassParameters: Hashable, Sendable {
  /// `e`: the share of peak FLOP/s the class attains (1 on the roofline).
  public var computeEfficiency: Double
  /// `m`: the share of the memory bandwidth the class attains (1 on the roofline; above 1 when caches serve it).
  public var memoryEfficiency: Double
  /// `o`: fixed cost of one node of the class, seconds (0 on the roofline).
  public var overheadSeconds: Double

  public init(computeEfficiency: Double, memoryEfficiency: Double, overheadSeconds: Double) {
    self.computeEfficiency = computeEfficiency
    self.memoryEfficiency = memoryEfficiency
    self.overheadSeconds = overheadSeconds
  }

  /// e = m = 1, o = 0: the roofline bound itself.
  public static let roofline = ClassParameters(computeEfficiency: 1, memoryEfficiency: 1, overheadSeconds: 0)
}
