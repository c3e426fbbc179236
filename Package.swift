// swift-tools-version: 6.0
import PackageDescription

/// The cost model's hot path crosses module boundaries (builder → sink); let release builds specialise it.
let crossModule: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

let package = Package(
  name: "x3d-cost",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "x3d-cost", targets: ["x3d-cost"]),
    .library(name: "X3DModel", targets: ["X3DModel"]),
    .library(name: "CostModel", targets: ["CostModel"]),
    .library(name: "ReferenceExecutor", targets: ["ReferenceExecutor"]),
    .library(name: "LatencyModel", targets: ["LatencyModel"]),
    .library(name: "SweepStore", targets: ["SweepStore"]),
    .library(name: "ExpansionSearch", targets: ["ExpansionSearch"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
  ],
  targets: [
    // MARK: Architecture: configuration → layer graph
    .target(name: "X3DModel", swiftSettings: crossModule, linkerSettings: [.linkedLibrary("m")]),

    // MARK: Formulas, conventions, memory, reports
    .target(name: "CostModel", dependencies: ["X3DModel"], swiftSettings: crossModule),

    // MARK: Kernels that run the graph and count what they do (never the formulas)
    .target(
      name: "ReferenceExecutor", dependencies: ["X3DModel"],
      swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release))]),

    // MARK: Hardware profiles, roofline prediction, calibration to measurements (no SQL, no kernels)
    .target(name: "LatencyModel", dependencies: ["X3DModel", "CostModel"]),

    // MARK: SQLite: sweeps, configs, layers, measurements
    .target(
      name: "SweepStore",
      dependencies: [
        "X3DModel", "CostModel", .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
      ]),

    // MARK: Forward expansion, backward contraction
    .target(name: "ExpansionSearch", dependencies: ["X3DModel", "CostModel", "SweepStore", "ReferenceExecutor"]),

    // MARK: Command line
    .executableTarget(
      name: "x3d-cost",
      dependencies: [
        "X3DModel", "CostModel", "ReferenceExecutor", "SweepStore", "ExpansionSearch", "LatencyModel",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    // MARK: Benchmarks (swift run -c release x3d-cost-bench)
    .executableTarget(name: "x3d-cost-bench", dependencies: ["X3DModel", "CostModel", "LatencyModel"]),

    // MARK: Executor kernel benchmark (swift run -c release x3d-exec-bench)
    .executableTarget(
      name: "x3d-exec-bench", dependencies: ["ReferenceExecutor", "X3DModel"],
      swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release))]),

    // MARK: Tests
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "X3DModelTests", dependencies: ["X3DModel", "TestSupport"]),
    .testTarget(name: "CostModelTests", dependencies: ["CostModel", "X3DModel", "TestSupport"]),
    .testTarget(name: "ReferenceExecutorTests", dependencies: ["ReferenceExecutor", "X3DModel", "CostModel", "TestSupport"]),
    .testTarget(
      name: "SweepStoreTests",
      dependencies: ["SweepStore", "CostModel", "X3DModel", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
    .testTarget(name: "ExpansionSearchTests", dependencies: ["ExpansionSearch", "SweepStore", "CostModel", "X3DModel", "TestSupport"]),
    .testTarget(name: "LatencyModelTests", dependencies: ["LatencyModel", "CostModel", "X3DModel"]),
    .testTarget(name: "CLITests", dependencies: ["TestSupport", "x3d-cost"]),
  ]
)
