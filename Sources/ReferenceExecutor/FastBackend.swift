import X3DModel

/// SIMD8 kernels spread over `threads` cores.
public struct FastBackend: ExecutionBackend {
  public let threads: Int
  let reference = ReferenceBackend()

  public init(threads: Int = 2) { self.threads = max(1, threads) }
  public var kind: BackendKind { .fast }

  public func convolution(
    _ x: Tensor, _ conv: Convolution, _ w: LayerWeights, _ counter: inout KernelCounter
  ) -> Tensor { reference.convolution(x, conv, w, &counter) }
  public func batchNorm(_ x: Tensor, _ w: NormWeights, _ counter: inout KernelCounter) -> Tensor {
    reference.batchNorm(x, w, &counter)
  }
  public func relu(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    reference.relu(x, &counter)
  }
  public func swish(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    reference.swish(x, &counter)
  }
  public func sigmoid(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    reference.sigmoid(x, &counter)
  }
  public func globalAveragePool(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    reference.globalAveragePool(x, &counter)
  }
  public func channelScale(_ x: Tensor, _ gate: Tensor, _ counter: inout KernelCounter) -> Tensor {
    reference.channelScale(x, gate, &counter)
  }
  public func add(_ a: Tensor, _ b: Tensor, _ counter: inout KernelCounter) -> Tensor {
    reference.add(a, b, &counter)
  }
  public func averagePool(_ x: Tensor, kernel: Triple, _ counter: inout KernelCounter) -> Tensor {
    reference.averagePool(x, kernel: kernel, &counter)
  }
  public func linear(
    _ x: Tensor, _ linear: Linear, _ w: LayerWeights, _ counter: inout KernelCounter
  ) -> Tensor { reference.linear(x, linear, w, &counter) }
  public func softmax(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    reference.softmax(x, &counter)
  }
  public func positionMean(_ x: Tensor, _ counter: inout KernelCounter) -> Tensor {
    reference.positionMean(x, &counter)
  }
}
