import Dispatch
import Foundation
import ReferenceExecutor
import X3DModel

// x3d-exec-bench: times the fast backend's kernels on X3D-S layer shapes (swift run -c release x3d-exec-bench).
// GFLOP/s counts 2 per multiply-add; the machine's fp32 peak is about 157 GFLOP/s for both cores at base clock.
// The kernel set is the process default: X3D_KERNELS=portable (or avx2, neon) times another one.

let threads = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 2
let backend = FastBackend(threads: threads)

func shape(_ c: Int, _ t: Int, _ h: Int, _ w: Int) -> TensorShape {
  TensorShape(batch: 1, channels: c, frames: t, height: h, width: w)
}

func random(_ count: Int) -> [Float] {
  var generator = SplitMix64(seed: 1)
  return (0..<count).map { _ in generator.uniform(-1, 1) }
}

func best(_ repeats: Int = 20, _ body: () -> Void) -> Double {
  var fastest = UInt64.max
  for _ in 0..<repeats {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    fastest = min(fastest, DispatchTime.now().uptimeNanoseconds - start)
  }
  return Double(fastest) / 1e9
}

func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }

func convolution(_ name: String, _ input: TensorShape, _ conv: Convolution) throws {
  let x = try Tensor(shape: input, scalars: random(try input.elementCount()))
  let w = LayerWeights(weight: random(conv.outChannels * conv.inChannels / conv.groups * conv.kernel.volume), bias: nil)
  var counter = KernelCounter()
  _ = backend.convolution(x, conv, w, &counter)
  let macs = counter.macs
  let seconds = best { _ = backend.convolution(x, conv, w, &counter) }
  print(
    pad(name, 46), pad("\(input)", 18),
    String(format: "%8.3f ms %7.1f GFLOP/s", seconds * 1000, 2 * Double(macs) / seconds / 1e9))
}

func elementwise(_ name: String, _ input: TensorShape, _ body: (Tensor, inout KernelCounter) -> Tensor) throws {
  let x = try Tensor(shape: input, scalars: random(try input.elementCount()))
  var counter = KernelCounter()
  let seconds = best { _ = body(x, &counter) }
  let bytes = 8 * Double(x.scalars.count)
  print(
    pad(name, 46), pad("\(input)", 18),
    String(format: "%8.3f ms %7.1f GB/s (read + write)", seconds * 1000, bytes / seconds / 1e9))
}

print("fast backend, \(backend.kernels.rawValue) kernels, \(threads) threads; X3D-S (13×160²) layer shapes")
try convolution("1×1×1 24→54 (res2 a)", shape(24, 13, 40, 40), Convolution(inChannels: 24, outChannels: 54))
try convolution("1×1×1 54→24 (res2 c)", shape(54, 13, 40, 40), Convolution(inChannels: 54, outChannels: 24))
try convolution("1×1×1 48→108 (res3 a)", shape(48, 13, 20, 20), Convolution(inChannels: 48, outChannels: 108))
try convolution("1×1×1 96→216 (res4 a)", shape(96, 13, 10, 10), Convolution(inChannels: 96, outChannels: 216))
try convolution("1×1×1 432→192 (res5 c)", shape(432, 13, 5, 5), Convolution(inChannels: 432, outChannels: 192))
try convolution("1×1×1 192→432 (conv5)", shape(192, 13, 5, 5), Convolution(inChannels: 192, outChannels: 432))
let dw = { (c: Int, s: Int) in
  Convolution(inChannels: c, outChannels: c, kernel: Triple(3, 3, 3), stride: Triple(1, s, s), padding: .one, groups: c)
}
try convolution("depthwise 3×3×3 stride 2 (res2 b0)", shape(54, 13, 80, 80), dw(54, 2))
try convolution("depthwise 3×3×3 (res2 b)", shape(54, 13, 40, 40), dw(54, 1))
try convolution("depthwise 3×3×3 (res3 b)", shape(108, 13, 20, 20), dw(108, 1))
try convolution("depthwise 3×3×3 (res4 b)", shape(216, 13, 10, 10), dw(216, 1))
try convolution("depthwise 3×3×3 (res5 b)", shape(432, 13, 5, 5), dw(432, 1))
try convolution(
  "stem 1×3×3 stride 2, 3→24", shape(3, 13, 160, 160),
  Convolution(
    inChannels: 3, outChannels: 24, kernel: Triple(1, 3, 3), stride: Triple(1, 2, 2), padding: Triple(0, 1, 1)))
try convolution(
  "stem 5×1×1 depthwise", shape(24, 13, 80, 80),
  Convolution(inChannels: 24, outChannels: 24, kernel: Triple(5, 1, 1), padding: Triple(2, 0, 0), groups: 24))
try elementwise("relu", shape(54, 13, 40, 40)) { backend.relu($0, &$1) }
try elementwise("swish", shape(54, 13, 40, 40)) { backend.swish($0, &$1) }
let norm = NormWeights(scale: random(54), shift: random(54), mean: random(54), variance: random(54).map { $0 + 2 })
try elementwise("batch norm", shape(54, 13, 40, 40)) { backend.batchNorm($0, norm, &$1) }
