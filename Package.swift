// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "x3d-cost",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "x3d-cost", targets: ["x3d-cost"]),
    .library(name: "X3DModel", targets: ["X3DModel"]),
    .library(name: "CostModel", targets: ["CostModel"]),
    .library(name: "ReferenceExecutor", targets: ["ReferenceExecutor"]),
    .library(name: "Verification", targets: ["Verification"]),
    .library(name: "LatencyModel", targets: ["LatencyModel"]),
    .library(name: "SweepStore", targets: ["SweepStore"]),
    .library(name: "Charts", targets: ["Charts"]),
    .library(name: "ExpansionSearch", targets: ["ExpansionSearch"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
  ],
  targets: [
    // MARK: Architecture: configuration → layer graph
    .target(name: "X3DModel", linkerSettings: [.linkedLibrary("m")]),

    // MARK: Formulas, conventions, memory, reports
    .target(name: "CostModel", dependencies: ["X3DModel"]),

    // MARK: Kernels that run the graph and count what they do (never the formulas)
    .target(name: "ReferenceExecutor", dependencies: ["X3DModel", "CKernels", "CWorkerPool"]),
    // The fast backend's hot loops in C, one copy per instruction set, chosen at run time (no build flags).
    .target(name: "CKernels"),
    // Persistent worker threads for the fast backend's parallel regions (pthreads, C11 atomics).
    .target(name: "CWorkerPool", linkerSettings: [.linkedLibrary("pthread", .when(platforms: [.linux]))]),

    // MARK: Agreement between the executor's tally and the cost model, node by node
    .target(name: "Verification", dependencies: ["X3DModel", "CostModel", "ReferenceExecutor"]),

    // MARK: Hardware profiles, roofline prediction, calibration to measurements (no SQL, no kernels)
    .target(name: "LatencyModel", dependencies: ["X3DModel", "CostModel"]),

    // MARK: SQLite: sweeps, configs, layers, measurements
    .target(
      name: "SweepStore",
      dependencies: [
        "X3DModel", "CostModel", .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
      ]),

    // MARK: Figures: scatter and frontier plots as SVG and PDF, label placement (no SQL, no formulas)
    .target(name: "Charts"),

    // MARK: Forward expansion, backward contraction
    .target(
      name: "ExpansionSearch", dependencies: ["X3DModel", "CostModel", "LatencyModel", "SweepStore", "ReferenceExecutor"]),

    // MARK: Command line
    .executableTarget(
      name: "x3d-cost",
      dependencies: [
        "X3DModel", "CostModel", "ReferenceExecutor", "Verification", "SweepStore", "ExpansionSearch", "LatencyModel",
        "Charts",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    // MARK: Benchmarks (swift run -c release x3d-cost-bench)
    .executableTarget(name: "x3d-cost-bench", dependencies: ["X3DModel", "CostModel", "LatencyModel"]),

    // MARK: Executor kernel benchmark (swift run -c release x3d-exec-bench)
    .executableTarget(name: "x3d-exec-bench", dependencies: ["ReferenceExecutor", "X3DModel"]),

    // MARK: Pareto frontier at scale against one SQL query (swift run -c release x3d-pareto-bench DB SWEEP)
    .executableTarget(
      name: "x3d-pareto-bench",
      dependencies: ["SweepStore", "Charts", .product(name: "GRDB", package: "GRDB.swift")]),

    // MARK: Tests
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "X3DModelTests", dependencies: ["X3DModel", "TestSupport"]),
    .testTarget(name: "CostModelTests", dependencies: ["CostModel", "X3DModel", "TestSupport"]),
    .testTarget(name: "ReferenceExecutorTests", dependencies: ["ReferenceExecutor", "X3DModel", "CostModel", "TestSupport"]),
    .testTarget(
      name: "VerificationTests", dependencies: ["Verification", "ReferenceExecutor", "X3DModel", "CostModel", "TestSupport"]),
    .testTarget(
      name: "SweepStoreTests",
      dependencies: ["SweepStore", "CostModel", "X3DModel", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
    .testTarget(
      name: "ExpansionSearchTests",
      dependencies: ["ExpansionSearch", "SweepStore", "CostModel", "LatencyModel", "X3DModel", "TestSupport"]),
    .testTarget(name: "LatencyModelTests", dependencies: ["LatencyModel", "CostModel", "X3DModel"]),
    .testTarget(name: "ChartsTests", dependencies: ["Charts", "TestSupport"]),
    .testTarget(
      name: "CLITests", dependencies: ["TestSupport", "x3d-cost", "SweepStore", "LatencyModel", "X3DModel"]),
  ]
)
