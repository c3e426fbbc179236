#!/usr/bin/env bash
# Regenerates the committed results.db at the repository root with the built tool alone:
#   the six presets (with per-layer rows), the published Kinetics-400 accuracies (datasets paper-table3,
#   slowfast-model-zoo, pytorchvideo-model-zoo) and the standard sweep around X3D-M.
# Every timestamp is fixed, so the content is identical on every run; Tests/SweepStoreTests/StandardResultsTests
# regenerates it and compares table by table.
# Usage: tools/make_results_db.sh [extra swift build flags, e.g. --scratch-path .build-store]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product x3d-cost "$@"
bin="$(swift build -c release --show-bin-path "$@")/x3d-cost"
rm -f results.db results.db-wal results.db-shm
"$bin" sweep --standard --db results.db
ls -l results.db
