// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "x3d-cost",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "x3d-cost", targets: ["x3d-cost"]),
    .library(name: "X3DModel", targets: ["X3DModel"]),
    .library(name: "CostModel", targets: ["CostModel"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // MARK: Architecture: configuration → layer graph
    .target(name: "X3DModel"),

    // MARK: Formulas, conventions, memory, reports
    .target(name: "CostModel", dependencies: ["X3DModel"]),

    // MARK: Command line
    .executableTarget(
      name: "x3d-cost",
      dependencies: [
        "X3DModel", "CostModel",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    // MARK: Tests
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "X3DModelTests", dependencies: ["X3DModel", "TestSupport"]),
    .testTarget(name: "CostModelTests", dependencies: ["CostModel", "X3DModel", "TestSupport"]),
    .testTarget(name: "CLITests", dependencies: ["TestSupport", "x3d-cost"]),
  ]
)
