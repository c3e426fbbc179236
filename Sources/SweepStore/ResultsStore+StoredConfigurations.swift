import GRDB
import X3DModel

/// A configuration of a sweep, rebuilt from its stored hyperparameters.
public struct StoredConfiguration: Sendable {
  /// ``ConfigurationKey``.
  public var key: String
  public var configuration: ModelConfiguration
  /// Conv + linear multiply-adds as stored.
  public var macs: Int
}

extension ResultsStore {
  /// Every configuration of `sweep`, in sweep order.
  public func configurations(sweep: String) throws(StoreError) -> [StoredConfiguration] {
    let state = try self.sweep(named: sweep)
    return try read { db in
      try Row.fetchAll(
        db, sql: "SELECT \(Self.storedColumns) FROM configs c WHERE c.sweep_id = ? ORDER BY c.id",
        arguments: [state.id]
      ).map(Self.storedConfiguration)
    }
  }

  /// The configurations `dataset` has a value of `metric` for, with that value, by key (a configuration stored in
  /// several sweeps comes once). Throws ``StoreError/unknownDataset(name:known:)`` for a dataset that does not exist.
  public func measuredConfigurations(dataset: String, metric: String) throws(StoreError)
    -> [(configuration: StoredConfiguration, value: Double)]
  {
    let known = try datasetNames()
    guard known.contains(dataset) else { throw .unknownDataset(name: dataset, known: known) }
    return try read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT \(Self.storedColumns), m.value FROM measurements m
          JOIN datasets d ON d.id = m.dataset_id JOIN configs c ON c.key = m.config_key
          WHERE d.name = ? AND m.metric = ? GROUP BY c.key ORDER BY c.key
          """, arguments: [dataset, metric]
      ).map { (try Self.storedConfiguration($0), $0["value"]) }
    }
  }

  /// Keys of the configurations `dataset` already has `metric` for (empty when the dataset does not exist).
  public func measuredKeys(dataset: String, metric: String) throws(StoreError) -> Set<String> {
    try read { db in
      Set(
        try String.fetchAll(
          db,
          sql: """
            SELECT m.config_key FROM measurements m JOIN datasets d ON d.id = m.dataset_id
            WHERE d.name = ? AND m.metric = ?
            """, arguments: [dataset, metric]))
    }
  }

  private static let storedColumns = """
    c.key, c.macs, c.implementation, c.frames, c.crop, c.test_crop, c.width_factor, c.depth_factor, \
    c.bottleneck_factor, c.classes, c.batch, c.gamma_tau, c.gamma_t, c.gamma_s, c.gamma_w, c.gamma_b, c.gamma_d
    """

  private static func storedConfiguration(_ row: Row) throws -> StoredConfiguration {
    let crop: Int = row["crop"]
    let testCrop: Int = row["test_crop"]
    let implementationName: String = row["implementation"]
    let configuration = try ModelConfiguration(
      frames: row["frames"], crop: crop, testCrop: testCrop == crop ? nil : testCrop,
      widthFactor: row["width_factor"], depthFactor: row["depth_factor"],
      bottleneckFactor: row["bottleneck_factor"], classes: row["classes"], batch: row["batch"],
      implementation: ImplementationVariant(rawValue: implementationName) ?? .paper,
      gammas: ExpansionVector(
        gammaTau: row["gamma_tau"], gammaT: row["gamma_t"], gammaS: row["gamma_s"], gammaW: row["gamma_w"],
        gammaB: row["gamma_b"], gammaD: row["gamma_d"]))
    return StoredConfiguration(key: row["key"], configuration: configuration, macs: row["macs"])
  }
}
