import CostModel
import X3DModel

/// What a sweep records about itself when it starts.
public struct SweepRecord: Hashable, Sendable {
  public enum Kind: String, Sendable {
    /// A Cartesian product of flag values.
    case sweep
    /// The published presets.
    case presets
  }

  public var name: String
  public var kind: Kind
  /// ISO 8601, UTC (`2020-04-09T00:00:00Z`); fixed when regenerating the committed database.
  public var createdAt: String
  public var toolVersion: String
  public var implementations: [ImplementationVariant]
  public var elementType: ElementType
  /// The counting conventions of the stored columns, in words.
  public var conventions: String
  public var commandLine: String
  /// ``SweepPlan/definition``; a sweep can be resumed only with the same definition.
  public var definition: String
  public var perLayer: Bool
  /// Configurations in the product (resolvable or not).
  public var planned: Int
  /// ``SweepPlan/keysAreDistinct``: when false, the sweep gets a unique index on its keys, so requests that resolve
  /// alike are stored once.
  public var keysAreDistinct: Bool

  public init(
    name: String, kind: Kind = .sweep, createdAt: String, toolVersion: String, plan: SweepPlan,
    commandLine: String
  ) {
    self.name = name
    self.kind = kind
    self.createdAt = createdAt
    self.toolVersion = toolVersion
    self.implementations = plan.implementations
    self.elementType = plan.elementType
    self.conventions = Self.conventions
    self.commandLine = commandLine
    self.definition = plan.definition
    self.perLayer = plan.perLayer
    self.planned = plan.count ?? Int.max
    self.keysAreDistinct = plan.keysAreDistinct
  }

  /// The conventions every stored count follows (x3d-reference.md §5, docs/store.md).
  public static let conventions =
    "macs = conv + linear multiply-adds (one fused multiply-add = one MAC; the paper's FLOPs); "
    + "fvcore_flops = macs + 2 per BN element (fvcore FlopCountAnalysis, eval); flops = 2 per MAC + elementwise; "
    + "params include BN gamma/beta, params_no_bn exclude them (the paper); activations = conv + linear outputs "
    + "(fvcore ActivationCountAnalysis); bytes at the sweep's element type"
}

/// A sweep as stored: its record and how far it has come.
public struct SweepState: Hashable, Sendable {
  public var id: Int64
  public var name: String
  public var kind: String
  public var createdAt: String
  public var definition: String
  public var planned: Int
  /// Configurations `0 ..< nextIndex` of the plan have been processed and committed.
  public var nextIndex: Int
  /// Stored configuration rows.
  public var stored: Int
  /// Configurations that did not resolve or could not be priced.
  public var failed: Int
  public var firstFailure: String?
  public var completedAt: String?
  public var commandLine: String
  public var elementType: String

  public var isComplete: Bool { nextIndex >= planned }
}

/// One configuration and what the cost model said about it, ready to store.
public struct EvaluatedConfiguration: Sendable {
  public let configuration: ModelConfiguration
  /// The preset the request named, if any.
  public var preset: Preset?
  public var totals: CostTotals
  /// One row per node when the sweep stores layers; else empty.
  public var layers: [LayerRow]
  /// ``ConfigurationKey/make(_:)`` of the configuration, made where the configuration is evaluated (in parallel),
  /// not in the writing thread.
  public let key: String
  /// The configuration's index in its sweep's plan, when known: a row below the stored cursor is already stored and
  /// is skipped. Without it, only a batch wholly below the cursor is recognised as stored.
  public var planIndex: Int?
  /// The text columns of ``layers``, when the evaluating thread formatted them (else the writer formats them).
  var layerTexts: LayerTexts?

  public init(
    configuration: ModelConfiguration, preset: Preset?, totals: CostTotals, layers: [LayerRow] = [],
    planIndex: Int? = nil
  ) {
    self.init(
      configuration: configuration, preset: preset, totals: totals, layers: layers, planIndex: planIndex,
      key: ConfigurationKey.make(configuration))
  }

  /// With the key already made (``ConfigurationKeyWriter``).
  init(
    configuration: ModelConfiguration, preset: Preset?, totals: CostTotals, layers: [LayerRow], planIndex: Int?,
    key: String
  ) {
    self.key = key
    self.planIndex = planIndex
    self.configuration = configuration
    self.preset = preset
    self.totals = totals
    self.layers = layers
  }
}
