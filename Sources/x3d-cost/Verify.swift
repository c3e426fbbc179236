import ArgumentParser
import CostModel
import Foundation
import ReferenceExecutor
import Verification
import X3DModel

extension X3DCost {
  /// `x3d-cost verify`: runs the network and holds the kernels' own counts to the cost model, node by node.
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run the model and compare what the kernels did with the cost model, node by node.",
      discussion: """
        Compares, for every node: the output shape, multiply-adds (padding taps included), parameters read, \
        output elements written and fvcore activations, and with the reference backend the bytes read and written \
        (float32); then the inference peak of live bytes. Exits \
        non-zero on any difference. Use small models: the reference backend runs plain loops.
        """)

    @OptionGroup var model: ModelOptions

    @Option(help: "reference (plain loops, the default) or fast.")
    var backend: BackendKind = .reference

    @Option(help: "Threads for the fast backend.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "A .safetensors state dict; default: seeded weights.")
    var weights: String?

    @Option(help: "Seed of the weights and the random clip.")
    var seed: UInt64 = 0

    @Flag(help: "Print only the nodes that differ, and the summary.")
    var quiet = false

    @Flag(
      help: """
        Run one training step instead (reference backend: training-mode forward, loss, backward) and compare its \
        forward, input-gradient and weight-gradient multiply-adds and elementwise FLOPs with the training \
        formulas, node by node.
        """)
    var training = false

    func run() throws {
      if training { return try runTraining() }
      let configuration = try model.resolve()
      let graph = try LayerGraph(configuration)
      let report = try CostReport(configuration, elementType: .f32, perLayer: true)
      let executor = Executor(
        graph: graph, weights: try ExecutorSetup.weights(graph, file: weights, seed: seed),
        backend: backend.make(threads: threads))
      let execution = try executor.run(try ExecutorSetup.clip(graph, file: nil, seed: seed))
      let agreement = Agreement(report: report, tally: execution.tally)
      print(
        ExecutorSetup.summary(
          configuration, weights: executor.weights, backend: backend, threads: threads))
      print(AgreementView(agreement).render(quiet: quiet), terminator: "")
      if !agreement.agrees {
        throw UsageError(
          "verify: \(agreement.differences) differences between the executor and the cost model")
      }
    }
  }
}

extension X3DCost.Verify {
  /// `verify --training`: labels `n mod K` for sample `n`.
  func runTraining() throws {
    guard backend == .reference else {
      throw UsageError("verify --training runs the reference backend only, not --backend \(backend.rawValue)")
    }
    let configuration = try model.resolve()
    let graph = try LayerGraph(configuration)
    let weights = try ExecutorSetup.weights(graph, file: self.weights, seed: seed)
    let clip = try ExecutorSetup.clip(graph, file: nil, seed: seed)
    let labels = (0..<configuration.batch).map { $0 % configuration.classes }
    let step = try TrainingStep(graph: graph, weights: weights).run(clip, labels: labels)
    let costRows = try CostReport(configuration, perLayer: true).layers.map { $0.cost[.trainingFlops] }
    let agreement = TrainingAgreement(
      graph: graph, expected: try TrainingTotals.rows(graph), tally: step.tally, trainingFlops: costRows)
    print(ExecutorSetup.summary(configuration, weights: weights, backend: .reference, threads: 1))
    print("training step: loss \(step.loss) on labels n mod \(configuration.classes)")
    print(TrainingAgreementView(agreement).render(quiet: quiet), terminator: "")
    if !agreement.differences.isEmpty {
      throw UsageError(
        "verify: \(agreement.differences.count) differences between the training step and the formulas")
    }
  }
}
