#!/usr/bin/env bash
# Checks that another package can use this one as a versioned dependency: copies the working tree (tracked and
# untracked, not ignored, files) into a temporary git repository, tags it 1000.0.0, serves it as a bare clone,
# and builds a consumer package that depends on it with `from: "1000.0.0"`, prices X3D-M with CostModel and runs a
# fast-backend kernel of ReferenceExecutor (whose C kernels pick their instruction set at run time).
# SwiftPM refuses unsafeFlags in a dependency resolved by version, so this fails while Package.swift has any.
#
# Usage: tools/check_consumer.sh [REPOSITORY]   (default: the repository holding this script)
# Exit status 0 when the consumer builds and prints X3D-M's published multiply-adds (4,732,468,736) and ReLU's output.
set -euo pipefail
source_repo="$(cd "${1:-$(dirname "$0")/..}" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/x3d-consumer.XXXXXX")"
trap 'rm -rf "$work"' EXIT

mkdir "$work/src"
(cd "$source_repo" && git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"; done | tar --null -T - -cf -) | tar -x -C "$work/src"
git -C "$work/src" init -q
git -C "$work/src" add -A
git -C "$work/src" -c user.name=check -c user.email=check@localhost commit -q -m "working tree"
git -C "$work/src" tag 1000.0.0
git clone -q --bare "$work/src" "$work/x3d-cost.git"

mkdir -p "$work/consumer/Sources/consumer"
cat > "$work/consumer/Package.swift" <<SWIFT
// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "consumer",
  platforms: [.macOS(.v13)],
  dependencies: [.package(url: "file://$work/x3d-cost.git", from: "1000.0.0")],
  targets: [
    .executableTarget(
      name: "consumer",
      dependencies: [
        .product(name: "CostModel", package: "x3d-cost"), .product(name: "X3DModel", package: "x3d-cost"),
        .product(name: "ReferenceExecutor", package: "x3d-cost"),
      ])
  ]
)
SWIFT
cat > "$work/consumer/Sources/consumer/main.swift" <<'SWIFT'
import CostModel
import ReferenceExecutor
import X3DModel

let totals = try CostReport.totals(ModelConfiguration(preset: .m))
print("X3D-M multiply-adds: \(totals[.macs])")
let backend = FastBackend(threads: 1)
var counter = KernelCounter()
let x = try Tensor(shape: TensorShape(batch: 1, channels: 1, frames: 1, height: 1, width: 3), scalars: [-1, 0, 2])
print("relu with \(backend.kernels.rawValue) kernels: \(backend.relu(x, &counter).scalars)")
SWIFT

cd "$work/consumer"
if ! swift build > "$work/build.log" 2>&1; then
  tail -n 30 "$work/build.log"
  echo "check_consumer: the consumer package does not build against x3d-cost 1000.0.0" >&2
  exit 1
fi
output="$(swift run --skip-build consumer)"
echo "$output"
if ! printf '%s\n' "$output" | grep -qx "X3D-M multiply-adds: 4732468736" ||
  ! printf '%s\n' "$output" | grep -Eqx "relu with (portable|avx2|neon) kernels: \[0\.0, 0\.0, 2\.0\]"; then
  echo "check_consumer: expected X3D-M multiply-adds: 4732468736 and relu [0.0, 0.0, 2.0]" >&2
  exit 1
fi
echo "check_consumer: a package depending on x3d-cost by version (from: \"1000.0.0\") builds, prices X3D-M and runs a kernel"
