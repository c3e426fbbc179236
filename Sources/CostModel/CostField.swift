/// The one table of cost fields: every count the cost model gives for a node or a network, in report order, with
/// its name (JSON key, SQL column, CSV column, search measure), its label, its unit and how it combines over the
/// network. Everything that lists fields derives from this table: ``CostVector``'s lanes, the accumulator's and the
/// totals evaluator's sums, the store's columns, JSON, CSV, the command line's quantity table and the search's
/// complexity measures. A new quantity is a new case here and a row in each switch below (the compiler lists
/// them), plus its formula in ``CostFormulas`` (or, for memory, in ``LiveMemory``).
///
/// Counts are exact integers at the configuration's batch; memory fields are bytes at the report's element type.
///
/// A field is either stored (it has a ``lane`` in ``CostVector``) or derived: a fixed combination of stored fields
/// (``derivation``) that holds for every node, and so for every sum of nodes, and takes no lane.
public enum CostField: Int, CaseIterable, Sendable, Codable {
  case macs
  case convMacs
  case linearMacs
  case fvcoreFlops
  case flops
  case params
  case paramsNoBN
  case bnElements
  case activations
  case inferencePeakBytes
  case trainingActivationBytes
  case outputElements
  case bytesRead
  case bytesWritten
  case trainingMacs
  case trainingInputGradientMacs
  case trainingWeightGradientMacs
  /// The FLOPs of one training step (forward in training mode, the loss, backward) in the `flops` convention:
  /// `2 · training_macs` plus every elementwise operation forward and backward (BatchNorm with batch statistics,
  /// activations, biases, pooling, SE scale, residual add, softmax, the loss), plus, on a node that reads a tensor
  /// some later node reads too, that tensor's elements (its gradient contribution is added to the one that later
  /// reader delivered first). Per node, a function of the node and of which of its inputs are read again later
  /// (``TrainingFormulas/flops(of:input:output:trainingMACs:gradientSums:)``, docs/training.md).
  case trainingFlops

  /// How a field's node values make the network's value.
  public enum Combination: Sendable {
    /// Σ over nodes of value × copies (a segment's value times its copies in the totals evaluator).
    case sum
    /// The largest value over the network (a memory peak), set by ``LiveMemory``, not by the formulas.
    case peak
  }

  /// What a field counts, for unit prefixes and axis labels.
  public enum Unit: String, Sendable {
    case macs = "MACs"
    case flops = "FLOPs"
    case parameters
    case elements
    case bytes
  }

  /// The field's name in JSON, SQL, CSV and on the command line (`conv_macs`).
  public var name: String {
    switch self {
    case .macs: "macs"
    case .convMacs: "conv_macs"
    case .linearMacs: "linear_macs"
    case .fvcoreFlops: "fvcore_flops"
    case .flops: "flops"
    case .params: "params"
    case .paramsNoBN: "params_no_bn"
    case .bnElements: "bn_elements"
    case .activations: "activations"
    case .inferencePeakBytes: "inference_peak_bytes"
    case .trainingActivationBytes: "training_activation_bytes"
    case .outputElements: "output_elements"
    case .bytesRead: "bytes_read"
    case .bytesWritten: "bytes_written"
    case .trainingInputGradientMacs: "training_input_gradient_macs"
    case .trainingWeightGradientMacs: "training_weight_gradient_macs"
    case .trainingMacs: "training_macs"
    case .trainingFlops: "training_flops"
    }
  }

  /// What the field counts, in words (axis labels, the quantity table). Memory labels leave out the element type
  /// and batch, which the report adds.
  public var label: String {
    switch self {
    case .macs: "multiply-adds (conv + linear; the paper's \"FLOPs\")"
    case .convMacs: "conv multiply-adds"
    case .linearMacs: "linear multiply-adds"
    case .fvcoreFlops: "fvcore FlopCountAnalysis (MACs + 2·BN elements)"
    case .flops: "full FLOPs (2 per MAC + elementwise)"
    case .params: "parameters (with BN γ, β; model zoos)"
    case .paramsNoBN: "parameters without BN (paper)"
    case .bnElements: "BN elements"
    case .activations: "activations (fvcore: conv + linear outputs)"
    case .inferencePeakBytes: "inference peak memory"
    case .trainingActivationBytes: "training activation memory"
    case .outputElements: "output elements"
    case .bytesRead: "bytes read, each node alone"
    case .bytesWritten: "bytes written, each node alone"
    case .trainingInputGradientMacs: "input-gradient multiply-adds"
    case .trainingWeightGradientMacs: "weight-gradient multiply-adds"
    case .trainingMacs: "training multiply-adds (forward + gradients)"
    case .trainingFlops: "training FLOPs (2 per training MAC + elementwise)"
    }
  }

  /// A short name for column headings and check lists.
  public var shortLabel: String {
    switch self {
    case .macs: "multiply-adds"
    case .convMacs: "conv multiply-adds"
    case .linearMacs: "linear multiply-adds"
    case .fvcoreFlops: "fvcore FLOPs"
    case .flops: "full FLOPs"
    case .params: "parameters"
    case .paramsNoBN: "parameters without BN"
    case .bnElements: "BN elements"
    case .activations: "activations (fvcore)"
    case .inferencePeakBytes: "inference peak bytes"
    case .trainingActivationBytes: "training activation bytes"
    case .outputElements: "output elements"
    case .bytesRead: "bytes read"
    case .bytesWritten: "bytes written"
    case .trainingInputGradientMacs: "input-gradient multiply-adds"
    case .trainingWeightGradientMacs: "weight-gradient multiply-adds"
    case .trainingMacs: "training multiply-adds"
    case .trainingFlops: "training FLOPs"
    }
  }

  public var unit: Unit {
    switch self {
    case .macs, .convMacs, .linearMacs, .trainingInputGradientMacs, .trainingWeightGradientMacs, .trainingMacs: .macs
    case .fvcoreFlops, .flops, .trainingFlops: .flops
    case .params, .paramsNoBN: .parameters
    case .bnElements, .activations, .outputElements: .elements
    case .inferencePeakBytes, .trainingActivationBytes, .bytesRead, .bytesWritten: .bytes
    }
  }

  @inlinable
  public var combination: Combination {
    switch self {
    case .inferencePeakBytes: .peak
    case .macs, .convMacs, .linearMacs, .fvcoreFlops, .flops, .params, .paramsNoBN, .bnElements, .activations,
      .trainingActivationBytes, .outputElements, .bytesRead, .bytesWritten, .trainingInputGradientMacs,
      .trainingWeightGradientMacs, .trainingMacs, .trainingFlops:
      .sum
    }
  }

  /// The field this one is a part of (`conv_macs` and `linear_macs` make `macs`), for indented reports.
  public var partOf: CostField? {
    switch self {
    case .convMacs, .linearMacs: .macs
    case .trainingInputGradientMacs, .trainingWeightGradientMacs: .trainingMacs
    case .macs, .fvcoreFlops, .flops, .params, .paramsNoBN, .bnElements, .activations, .inferencePeakBytes,
      .trainingActivationBytes, .outputElements, .bytesRead, .bytesWritten, .trainingMacs, .trainingFlops:
      nil
    }
  }

  /// The store's schema version whose migration added the field's columns (1: the first schema). Migrations
  /// derive their column lists from this, so a new field names the next version here.
  public var schemaVersion: Int {
    switch self {
    case .macs, .convMacs, .linearMacs, .fvcoreFlops, .flops, .params, .paramsNoBN, .bnElements, .activations,
      .inferencePeakBytes, .trainingActivationBytes, .outputElements:
      1
    case .bytesRead, .bytesWritten, .trainingInputGradientMacs, .trainingWeightGradientMacs, .trainingMacs: 4
    case .trainingFlops: 6
    }
  }

  /// The field's lane in ``CostVector``; nil for a derived field, which has none. Lanes are numbered in report
  /// order over the stored fields.
  @inlinable
  public var lane: Int? {
    switch self {
    case .macs: 0
    case .convMacs: 1
    case .flops: 2
    case .params: 3
    case .paramsNoBN: 4
    case .bnElements: 5
    case .activations: 6
    case .inferencePeakBytes: 7
    case .trainingActivationBytes: 8
    case .outputElements: 9
    case .bytesRead: 10
    case .bytesWritten: 11
    case .trainingInputGradientMacs: 12
    case .trainingWeightGradientMacs: 13
    case .trainingFlops: 14
    case .linearMacs, .fvcoreFlops, .trainingMacs: nil
    }
  }

  /// One term of a derived field: `coefficient · field`.
  public struct Term: Hashable, Sendable {
    public let field: CostField
    public let coefficient: Int
  }

  /// For a derived field, the stored fields it is the sum of, each with its coefficient; nil for a stored field.
  /// Each identity holds node by node (the formulas make it so), hence for every sum over nodes:
  ///
  /// - `linear_macs = macs − conv_macs` (a node's multiply-adds are either a convolution's or a linear layer's);
  /// - `fvcore_flops = macs + 2·bn_elements` (fvcore charges 2 per BatchNorm element);
  /// - `training_macs = macs + training_input_gradient_macs + training_weight_gradient_macs`.
  ///
  /// ``CostVector/subscript(_:)`` computes the same sums (a test holds them equal).
  public var derivation: [Term]? {
    switch self {
    case .linearMacs: [Term(field: .macs, coefficient: 1), Term(field: .convMacs, coefficient: -1)]
    case .fvcoreFlops: [Term(field: .macs, coefficient: 1), Term(field: .bnElements, coefficient: 2)]
    case .trainingMacs:
      [
        Term(field: .macs, coefficient: 1), Term(field: .trainingInputGradientMacs, coefficient: 1),
        Term(field: .trainingWeightGradientMacs, coefficient: 1),
      ]
    case .macs, .convMacs, .flops, .params, .paramsNoBN, .bnElements, .activations, .inferencePeakBytes,
      .trainingActivationBytes, .outputElements, .bytesRead, .bytesWritten, .trainingInputGradientMacs,
      .trainingWeightGradientMacs, .trainingFlops:
      nil
    }
  }

  /// The fields with a lane, in lane order.
  public static let stored = allCases.filter { $0.lane != nil }
  /// The fields without one.
  public static let derived = allCases.filter { $0.lane == nil }

  /// Whether the field is a whole-network figure (totals, JSON `totals`, a column of the store's `configs`).
  public var isNetworkTotal: Bool { self != .outputElements }

  /// Whether the field is a per-node figure (per-layer rows, JSON `layers`, the store's `layers`); memory figures
  /// belong to the network, not to a node.
  public var isPerLayer: Bool {
    switch self {
    case .macs, .params, .bnElements, .activations, .outputElements, .flops, .bytesRead, .bytesWritten,
      .trainingInputGradientMacs, .trainingWeightGradientMacs, .trainingMacs, .trainingFlops:
      true
    case .convMacs, .linearMacs, .fvcoreFlops, .paramsNoBN, .inferencePeakBytes, .trainingActivationBytes: false
    }
  }

  /// The fields combined by ``Combination/peak``.
  public static let peaks = allCases.filter { $0.combination == .peak }

  /// The whole-network fields, in report order.
  public static let networkTotals = allCases.filter(\.isNetworkTotal)
  /// The per-node fields, in report order.
  public static let perLayer = allCases.filter(\.isPerLayer)

  /// The field called `name` (`conv_macs`), or nil.
  public init?(name: String) {
    guard let field = Self.allCases.first(where: { $0.name == name }) else { return nil }
    self = field
  }
}
