import CostModel

/// Profiles from vendors' data sheets (docs/latency.md cites each). Peaks are dense (no structured sparsity); f16
/// and bf16 are tensor-core figures, f32 the CUDA-core FP32 figure; bandwidth is the memory's peak.
extension HardwareProfile {
  public static let builtIn: [String: HardwareProfile] = {
    func profile(_ name: String, _ source: String, f32: Double, f16: Double, bf16: Double?, bandwidth: Double)
      -> HardwareProfile
    {
      var peaks: [ElementType: Double] = [.f32: f32, .f16: f16]
      if let bf16 { peaks[.bf16] = bf16 }
      return HardwareProfile(
        name: name, source: source, peakFlopsPerSecond: peaks, memoryBytesPerSecond: bandwidth)
    }
    let list = [
      profile(
        "a100", "NVIDIA A100 Tensor Core GPU data sheet (SXM4 80 GB): FP32 19.5 TFLOPS, FP16/BF16 312, 2,039 GB/s",
        f32: 19.5e12, f16: 312e12, bf16: 312e12, bandwidth: 2.039e12),
      profile(
        "h100", "NVIDIA H100 Tensor Core GPU data sheet (SXM): FP32 67 TFLOPS, FP16/BF16 989.5 dense, 3.35 TB/s",
        f32: 67e12, f16: 989.5e12, bf16: 989.5e12, bandwidth: 3.35e12),
      profile(
        "h200", "NVIDIA H200 Tensor Core GPU data sheet (SXM): FP32 67 TFLOPS, FP16/BF16 989.5 dense, 4.8 TB/s",
        f32: 67e12, f16: 989.5e12, bf16: 989.5e12, bandwidth: 4.8e12),
      profile(
        "l4", "NVIDIA L4 Tensor Core GPU data sheet: FP32 30.3 TFLOPS, FP16/BF16 121 dense, 300 GB/s",
        f32: 30.3e12, f16: 121e12, bf16: 121e12, bandwidth: 300e9),
      profile(
        "t4", "NVIDIA T4 Tensor Core GPU data sheet: FP32 8.1 TFLOPS, FP16 65 TFLOPS (no BF16), 320 GB/s",
        f32: 8.1e12, f16: 65e12, bf16: nil, bandwidth: 320e9),
    ]
    return Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
  }()
}
