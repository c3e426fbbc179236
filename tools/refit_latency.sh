#!/usr/bin/env bash
# Re-measure and re-fit the committed latency profiles end to end (docs/latency.md, "Re-fitting"):
# the 72-configuration grid as a sweep, the executor timed by `x3d-cost measure`, optionally PyTorch eager by
# tools/measure_latency.py (both one thread, thread CPU clock, 4 interleaved rounds of 5), each calibrated on the
# host profile with two folds (executor: depthwise rows in vectors of 8; PyTorch: 1), and the figure redrawn.
#
# Usage: tools/refit_latency.sh [--x3d-cost BIN] [--python PY] [--torch] [--runs N] DB OUTDIR FIGURE.svg
#
#   DB          a scratch SQLite database (created; the grid sweep and datasets are added, an existing one resumes)
#   OUTDIR      where host.json (the base profile, probed once and kept), executor-calibrated.json,
#               executor-heldout.csv, executor-measurements.csv and the PyTorch counterparts go (docs/latency);
#               PyTorch's raw CSVs go next to DB (DB.torch-runN.csv), so an interrupted run resumes
#   FIGURE.svg  the figure (docs/latency.svg); PyTorch's held-out file in OUTDIR is drawn too when present
#   --x3d-cost  the x3d-cost executable (default .build/release/x3d-cost; build it with -c release first)
#   --python    a Python with torch and pytorchvideo (default python3), for --torch
#   --torch     also measure and fit PyTorch eager on the CPU (one thread, thread CPU clock)
#   --runs N    independent measurement runs per backend (default 1), each calibrated and reported on its own;
#               the committed profile is fitted to the last run
set -euo pipefail

bin=.build/release/x3d-cost
python=python3
torch=0
runs=1
while [[ $# -gt 0 && $1 == --* ]]; do
  case $1 in
    --x3d-cost) bin=$2; shift 2 ;;
    --python) python=$2; shift 2 ;;
    --torch) torch=1; shift ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "error: unknown option $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done
if [[ $# -ne 3 ]]; then
  echo "error: give DB OUTDIR FIGURE.svg (see the usage at the top of $0)" >&2
  exit 2
fi
db=$1 out=$2 figure=$3
[[ -x $bin ]] || { echo "error: no executable $bin (swift build -c release --product x3d-cost)" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "error: --runs must be a positive integer, not '$runs'" >&2; exit 2; }
mkdir -p "$out"
x3d() { "$bin" "$@" --db "$db"; }

# The grid: frames 2, 4, 6; crops 96, 128, 160; width 1, 2; depth 1, 2.2; bottleneck 1.5, 2.25 (72 configurations).
x3d sweep --name grid --impl pytorchvideo --frames 2,4,6 --crop 96,128,160 --width-factor 1,2 \
  --depth-factor 1,2.2 --bottleneck-factor 1.5,2.25
[[ -f $out/host.json ]] || "$bin" calibrate --host --out "$out/host.json"

columns=frames,crop,test_crop,width_factor,depth_factor,bottleneck_factor,classes,batch
for run in $(seq 1 "$runs"); do
  x3d measure --sweep grid --dataset "grid-executor-$run" --rounds 4 --repeats 5 --warmup 1 --threads 1 \
    --clock cpu --seed "$run"
  x3d calibrate --dataset "grid-executor-$run" --metric latency_ms --hardware "$out/host.json" \
    --row-vector-lanes 8 --out "$out/executor-calibrated.json" --predictions "$out/executor-heldout.csv"
done
last=grid-executor-$runs
x3d export --sweep grid --columns "$columns,macs,latency_ms@$last,latency_min_ms@$last,latency_max_ms@$last" \
  > "$out/executor-measurements.csv"

if [[ $torch == 1 ]]; then
  x3d export --sweep grid --columns "$columns" > "$out/grid.csv"
  for run in $(seq 1 "$runs"); do
    csv=$db.torch-run$run.csv
    "$python" tools/measure_latency.py "$out/grid.csv" --out "$csv" --threads 1 --repeats 5 --rounds 4 \
      --warmup 1 --clock cpu --seed "$run"
    last_torch=grid-torch-$run
    x3d import --sweep grid "$csv" --dataset "grid-torch-$run" --metric latency_min_ms:ms:lower \
      --metric latency_max_ms:ms:lower --source "tools/measure_latency.py, PyTorch eager, 1 thread, thread CPU clock"
    x3d calibrate --dataset "grid-torch-$run" --metric latency_ms --hardware "$out/host.json" \
      --row-vector-lanes 1 --out "$out/pytorch-eager-calibrated.json" --predictions "$out/pytorch-eager-heldout.csv"
  done
  rm "$out/grid.csv"
  x3d export --sweep grid --columns "$columns,macs,latency_ms@$last_torch,latency_min_ms@$last_torch,latency_max_ms@$last_torch" \
    > "$out/pytorch-eager-measurements.csv"
fi

series=("executor=$out/executor-heldout.csv")
[[ -f $out/pytorch-eager-heldout.csv ]] && series+=("PyTorch eager=$out/pytorch-eager-heldout.csv")
python3 tools/plot_latency.py "$figure" "${series[@]}"
echo "wrote $out/executor-calibrated.json and $figure; update docs/latency.md's tables from the reports above"
