"""Benchmark the fast executor against PyTorch on the same machine, alternating runs.

Usage (from the repository root, after `swift build -c release --scratch-path .build-exec --product x3d-cost`):

    python tools/bench_executor.py [--binary [LABEL=]PATH[@KERNELS]]... [--rounds 5]

Each --binary is timed in every round (default: .build-exec/release/x3d-cost); `@portable` (or `@avx2`, `@neon`)
runs it with X3D_KERNELS set to that kernel set, so one build gives the vector and the portable path, and two
builds (before/after a change) are compared in the same rounds.

For X3D-XS (4x160^2) and X3D-S (13x160^2) (`--models xs,s,m`), batch 1 (`--batch`), `--threads` threads
(default 2): each round times PyTorch (pytorchvideo create_x3d, eval, torch.inference_mode,
torch.set_num_threads(threads), after warm-up; best of 5 forward passes), ONNX Runtime on the same model exported
with torch.onnx (intra-op threads = threads, inter-op 1, all graph optimisations; best of 5; skipped with a note
when the export or the runtime fails, or with --no-onnx) and then
`x3d-cost run --impl pytorchvideo --backend fast --threads T --warmup 2 --repeats 5 --profile` (best of 5) for each
binary. Rounds alternate so all see the same machine load; the report gives the best and the median round of each,
the spread, their ratio to the faster of PyTorch and ONNX Runtime and to the first binary, the executor's GFLOP/s
(2 per multiply-add) by kind of layer (fused BatchNorm and activations count in their convolution's time), and peak
resident memory (the executor's VmHWM; PyTorch's ru_maxrss, which includes the torch libraries).
"""
import argparse
import os
import re
import resource
import statistics
import subprocess
import time
import warnings

import tempfile

import torch

warnings.filterwarnings("ignore")
from pytorchvideo.models.x3d import create_x3d  # noqa: E402

MODELS = {"xs": ("XS", 4, 160), "s": ("S", 13, 160), "m": ("M", 16, 224)}


def onnx_session(model, clip, threads):
    """An ONNX Runtime session for `model`, or the reason there is none."""
    try:
        import onnxruntime as ort
        path = os.path.join(tempfile.mkdtemp(), "x3d.onnx")
        with torch.no_grad():
            try:
                torch.onnx.export(model, (clip,), path, input_names=["clip"], opset_version=17, dynamo=False)
            except TypeError:
                torch.onnx.export(model, (clip,), path, input_names=["clip"], opset_version=17)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"]), None
    except Exception as error:  # noqa: BLE001 - any failure is reported, not fatal
        return None, f"{type(error).__name__}: {str(error).splitlines()[0][:120] if str(error) else ''}"


def onnx_time(session, clip, repeats=5):
    feed = {"clip": clip.numpy()}
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        session.run(None, feed)
        best = min(best, time.perf_counter() - start)
    return best


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


def executor_run(binary, preset, kernels=None, threads=2, batch=1):
    env = dict(os.environ)
    if kernels:
        env["X3D_KERNELS"] = kernels
    out = subprocess.run(
        [binary, "run", "--preset", preset, "--impl", "pytorchvideo", "--backend", "fast", "--threads", str(threads),
         "--batch", str(batch), "--warmup", "2", "--repeats", "5", "--profile"], check=True, capture_output=True,
        text=True, env=env).stdout
    seconds = float(re.search(r"time: ([\d.]+) ms", out).group(1)) / 1000
    profile = {}
    for line in out.splitlines():
        match = re.match(r"(\S.*?)\s+\d+\s+([\d.]+)\s+([\d,]+)\s+([\d.]+|–)$", line.strip())
        if match and match.group(1) != "kind":
            rate = float(match.group(4)) if match.group(4) != "–" else None
            profile[match.group(1)] = (float(match.group(2)), rate)
    rss = re.search(r"peak resident memory: (.+)", out).group(1)
    used = re.search(r"threads, (\w+) kernels\)", out)
    return seconds, profile, rss, used.group(1) if used else "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", action="append", help="[LABEL=]PATH[@KERNELS]; repeatable")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--models", default="xs,s", help="comma-separated: xs, s, m")
    parser.add_argument("--no-onnx", action="store_true", help="skip ONNX Runtime")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch (and ONNX Runtime): binaries only")
    args = parser.parse_args()
    binaries = [parse_binary(b) for b in (args.binary or [".build-exec/release/x3d-cost"])]
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {args.rounds} alternating rounds; "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    for preset in args.models.split(","):
        name, frames, crop = MODELS[preset]
        model = create_x3d(input_clip_length=frames, input_crop_size=crop, depth_factor=2.2).eval()
        clip = torch.randn(args.batch, 3, frames, crop, crop)
        session, why = (None, "skipped") if args.no_onnx or args.no_torch else onnx_session(model, clip, args.threads)
        if not args.no_torch:
            torch_time(model, clip, repeats=3)  # warm-up
        if session is not None:
            onnx_time(session, clip, repeats=3)
        torch_rounds, onnx_rounds = [], []
        runs = {label: [] for label, _, _ in binaries}
        for _ in range(args.rounds):
            if not args.no_torch:
                torch_rounds.append(torch_time(model, clip))
            if session is not None:
                onnx_rounds.append(onnx_time(session, clip))
            for label, path, kernels in binaries:
                runs[label].append(executor_run(path, preset, kernels, args.threads, args.batch))
        peers = []
        print(f"X3D-{name} {args.batch}x3x{frames}x{crop}x{crop}, {args.threads} threads, load average "
              f"{os.getloadavg()[0]:.1f} at the end:")
        for peer, rounds in (("PyTorch", torch_rounds), ("ONNX Runtime", onnx_rounds)):
            if rounds:
                peers.append((min(rounds), statistics.median(rounds)))
                print(f"  {peer}: best {min(rounds) * 1000:.1f} ms (median {statistics.median(rounds) * 1000:.1f}, "
                      f"spread {min(rounds) * 1000:.1f}-{max(rounds) * 1000:.1f})")
        if session is None and not args.no_torch:
            print(f"  ONNX Runtime: not timed ({why})")
        t_best = min((p[0] for p in peers), default=float("nan"))
        t_med = min((p[1] for p in peers), default=float("nan"))
        first = None
        for label, _, _ in binaries:
            times = [r[0] for r in runs[label]]
            e_best, e_med = min(times), statistics.median(times)
            first = first or (e_best, e_med)
            _, profile, rss, used = min(runs[label], key=lambda r: r[0])
            print(f"  {label} ({used} kernels): best {e_best * 1000:.1f} ms (median {e_med * 1000:.1f}, spread "
                  f"{min(times) * 1000:.1f}-{max(times) * 1000:.1f}); against the faster peer best {e_best / t_best:.2f}, "
                  f"median {e_med / t_med:.2f}; against {binaries[0][0]} best {e_best / first[0]:.3f}, "
                  f"median {e_med / first[1]:.3f}; peak RSS {rss}")
            for kind, (ms, gflops) in profile.items():
                rate = f", {gflops:.1f} GFLOP/s" if gflops is not None else ""
                print(f"    {kind}: {ms:.2f} ms{rate} (in the best round)")
    print(f"PyTorch process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
