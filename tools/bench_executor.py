"""Benchmark the fast executor against PyTorch on the same machine, alternating runs.

Usage (from the repository root, after `swift build -c release --scratch-path .build-exec --product x3d-cost`):

    python tools/bench_executor.py [--binary [LABEL=]PATH[@KERNELS]]... [--rounds 5]

Each --binary is timed in every round (default: .build-exec/release/x3d-cost); `@portable` (or `@avx2`, `@neon`)
runs it with X3D_KERNELS set to that kernel set, so one build gives the vector and the portable path, and two
builds (before/after a change) are compared in the same rounds.

For X3D-XS (4x160^2) and X3D-S (13x160^2), batch 1, 2 threads: each round times PyTorch (pytorchvideo
create_x3d, eval, torch.inference_mode, torch.set_num_threads(2), after warm-up; best of 5 forward passes) and then
`x3d-cost run --impl pytorchvideo --backend fast --threads 2 --warmup 2 --repeats 5 --profile` (best of 5) for each
binary. Rounds alternate so all see the same machine load; the report gives the best and the median round of each,
their ratio to PyTorch and to the first binary,
the executor's GFLOP/s (2 per multiply-add) on 1x1x1 and depthwise 3x3x3 layers, and peak resident memory (the
executor's VmHWM; PyTorch's ru_maxrss, which includes the torch libraries).
"""
import argparse
import os
import re
import resource
import statistics
import subprocess
import time
import warnings

import torch

warnings.filterwarnings("ignore")
from pytorchvideo.models.x3d import create_x3d  # noqa: E402

MODELS = [("XS", "xs", 4), ("S", "s", 13)]


def torch_time(model, clip, repeats=5):
    best = float("inf")
    with torch.inference_mode():
        for _ in range(repeats):
            start = time.perf_counter()
            model(clip)
            best = min(best, time.perf_counter() - start)
    return best


def parse_binary(text):
    """`[LABEL=]PATH[@KERNELS]` -> (label, path, kernels or None)."""
    label, _, rest = text.rpartition("=") if "=" in text else ("", "", text)
    path, _, kernels = rest.partition("@")
    return (label or rest), path, (kernels or None)


def executor_run(binary, preset, kernels=None):
    env = dict(os.environ)
    if kernels:
        env["X3D_KERNELS"] = kernels
    out = subprocess.run(
        [binary, "run", "--preset", preset, "--impl", "pytorchvideo", "--backend", "fast", "--threads", "2",
         "--warmup", "2", "--repeats", "5", "--profile"], check=True, capture_output=True, text=True, env=env).stdout
    seconds = float(re.search(r"time: ([\d.]+) ms", out).group(1)) / 1000
    profile = {}
    for line in out.splitlines():
        match = re.match(r"(conv 1×1×1|conv depthwise 3×3×3)\s+\d+\s+([\d.]+)\s+[\d,]+\s+([\d.]+)$", line.strip())
        if match:
            profile[match.group(1)] = (float(match.group(2)), float(match.group(3)))
    rss = re.search(r"peak resident memory: (.+)", out).group(1)
    used = re.search(r"threads, (\w+) kernels\)", out)
    return seconds, profile, rss, used.group(1) if used else "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", action="append", help="[LABEL=]PATH[@KERNELS]; repeatable")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    binaries = [parse_binary(b) for b in (args.binary or [".build-exec/release/x3d-cost"])]
    torch.set_num_threads(2)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {args.rounds} alternating rounds")
    for name, preset, frames in MODELS:
        model = create_x3d(input_clip_length=frames, input_crop_size=160, depth_factor=2.2).eval()
        clip = torch.randn(1, 3, frames, 160, 160)
        torch_time(model, clip, repeats=3)  # warm-up
        torch_rounds = []
        runs = {label: [] for label, _, _ in binaries}
        for _ in range(args.rounds):
            torch_rounds.append(torch_time(model, clip))
            for label, path, kernels in binaries:
                runs[label].append(executor_run(path, preset, kernels))
        t_best, t_med = min(torch_rounds), statistics.median(torch_rounds)
        print(f"X3D-{name} 1x3x{frames}x160x160: PyTorch best {t_best * 1000:.1f} ms (median {t_med * 1000:.1f}, "
              f"spread {min(torch_rounds) * 1000:.1f}-{max(torch_rounds) * 1000:.1f})")
        first = None
        for label, _, _ in binaries:
            times = [r[0] for r in runs[label]]
            e_best, e_med = min(times), statistics.median(times)
            first = first or (e_best, e_med)
            _, profile, rss, used = min(runs[label], key=lambda r: r[0])
            print(f"  {label} ({used} kernels): best {e_best * 1000:.1f} ms (median {e_med * 1000:.1f}, spread "
                  f"{min(times) * 1000:.1f}-{max(times) * 1000:.1f}); executor/PyTorch best {e_best / t_best:.2f}, "
                  f"median {e_med / t_med:.2f}; against {binaries[0][0]} best {e_best / first[0]:.3f}, "
                  f"median {e_med / first[1]:.3f}; peak RSS {rss}")
            for kind, (ms, gflops) in profile.items():
                print(f"    {kind}: {ms:.2f} ms, {gflops:.1f} GFLOP/s (in the best round)")
    print(f"PyTorch process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
