"""Time pytorchvideo's X3D for every configuration of an exported sweep; write a CSV `x3d-cost import` reads.

Usage (from the repository root, in a venv with torch and pytorchvideo; onnxruntime for --runtime onnx):

    x3d-cost export --sweep grid --columns frames,crop,test_crop,width_factor,depth_factor,bottleneck_factor,classes,batch > grid.csv
    python tools/measure_latency.py grid.csv --out torch.csv [--device cpu|cuda] [--runtime eager|compile|onnx]
        [--channels-last] [--dtype f32|f16|bf16] [--threads N] [--repeats N] [--warmup N]
    x3d-cost import --sweep grid torch.csv --dataset grid-torch-eager \
        --metric latency_min_ms:ms:lower --metric latency_max_ms:ms:lower --source "…printed by this script…"

Each configuration is built with `create_x3d(input_clip_length=frames, input_crop_size=crop, model_num_class=classes,
width_factor, depth_factor, bottleneck_factor, head_dim_out=2048)` in eval mode (x3d-cost's `--impl pytorchvideo`
network) and run on a random clip `(batch, 3, frames, test_crop, test_crop)` under `torch.inference_mode()`:
`--warmup` unmeasured passes, then `--repeats` timed ones (CUDA: synchronised before and after each pass; `--clock cpu`
times the CPU time of the calling thread instead of the elapsed time, for one CPU thread on a shared machine).
`--rounds R` visits every configuration R times, each round in a fresh random order, so a busy spell of a shared
machine is spread over all configurations instead of biasing the few it overlaps. The median of all R·repeats times
goes to `latency_ms`, the fastest and slowest to `latency_min_ms` and `latency_max_ms`. Runtimes: `eager`,
`compile` (`torch.compile`, default mode; its compilation happens in the warm-up), `onnx` (exported at opset 17, run by
ONNX Runtime with the CPU or CUDA provider). `--channels-last` converts model and clip to `channels_last_3d`.

Rows already in `--out` are skipped (matched by their hyperparameters), so an interrupted run resumes; every finished
round of a configuration is appended to `OUT.rounds.csv` as it ends, and a rerun continues from there.
"""
import argparse
import csv
import os
import random
import platform
import statistics
import sys
import tempfile
import time
import warnings

import torch

warnings.filterwarnings("ignore")
from pytorchvideo.models.x3d import create_x3d  # noqa: E402

KEYS = ["frames", "crop", "test_crop", "width_factor", "depth_factor", "bottleneck_factor", "classes", "batch"]
DTYPES = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}


def configurations(path):
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    missing = [k for k in ["frames", "crop", "width_factor", "depth_factor", "bottleneck_factor"] if k not in rows[0]]
    if missing:
        sys.exit(f"error: {path} lacks the columns {', '.join(missing)} (export with --columns {','.join(KEYS)})")
    for row in rows:
        yield {
            "frames": int(row["frames"]),
            "crop": int(row["crop"]),
            "test_crop": int(row.get("test_crop") or row["crop"]),
            "width_factor": float(row["width_factor"]),
            "depth_factor": float(row["depth_factor"]),
            "bottleneck_factor": float(row["bottleneck_factor"]),
            "classes": int(row.get("classes") or 400),
            "batch": int(row.get("batch") or 1),
        }


def identity(config):
    return tuple(str(float(config[k])) for k in KEYS)


def build(config, args, device):
    model = create_x3d(
        input_clip_length=config["frames"], input_crop_size=config["crop"], model_num_class=config["classes"],
        width_factor=config["width_factor"], depth_factor=config["depth_factor"],
        bottleneck_factor=config["bottleneck_factor"], head_dim_out=2048).eval()
    clip = torch.rand(config["batch"], 3, config["frames"], config["test_crop"], config["test_crop"]) * 2 - 1
    model, clip = model.to(device, DTYPES[args.dtype]), clip.to(device, DTYPES[args.dtype])
    if args.channels_last:
        model, clip = model.to(memory_format=torch.channels_last_3d), clip.contiguous(
            memory_format=torch.channels_last_3d)
    if args.runtime == "compile":
        model = torch.compile(model)
    if args.runtime == "onnx":
        return onnx_runner(model, clip, args)
    return lambda: model(clip)


def onnx_runner(model, clip, args):
    import onnxruntime

    path = os.path.join(tempfile.mkdtemp(), "x3d.onnx")
    torch.onnx.export(model, (clip,), path, opset_version=17, input_names=["clip"], dynamo=False)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    providers = ["CUDAExecutionProvider"] if args.device == "cuda" else ["CPUExecutionProvider"]
    session = onnxruntime.InferenceSession(path, options, providers=providers)
    feed = {"clip": clip.cpu().numpy()}
    return lambda: session.run(None, feed)


def time_ms(run, args):
    sync = torch.cuda.synchronize if args.device == "cuda" else (lambda: None)
    clock = time.thread_time if args.clock == "cpu" else time.perf_counter
    with torch.inference_mode():
        for _ in range(args.warmup):
            run()
        sync()
        times = []
        for _ in range(args.repeats):
            start = clock()
            run()
            sync()
            times.append((clock() - start) * 1e3)
    return times


def describe(args):
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    device = torch.cuda.get_device_name() if args.device == "cuda" else f"{cpu}, {args.threads} threads"
    layout = ", channels_last_3d" if args.channels_last else ""
    rounds = f" in {args.rounds} interleaved rounds" if args.rounds > 1 else ""
    clock = "thread CPU" if args.clock == "cpu" else "wall"
    return (f"PyTorch {torch.__version__} {args.runtime}{layout}, {args.dtype}, {device}, median of "
            f"{args.repeats * args.rounds} after {args.warmup} warm-up{rounds}, {clock} clock")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sweep_csv")
    parser.add_argument("--out", required=True)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--runtime", choices=["eager", "compile", "onnx"], default="eager")
    parser.add_argument("--channels-last", action="store_true")
    parser.add_argument("--dtype", choices=list(DTYPES), default="f32")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1,
                        help="visit every configuration this many times, in a fresh order each round")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="cpu: the calling thread's CPU time (CPU device, --threads 1): steadier on a shared machine")
    args = parser.parse_args()
    if args.repeats < 1 or args.warmup < 0 or args.threads < 1 or args.rounds < 1:
        sys.exit("error: --repeats, --rounds and --threads must be at least 1, --warmup at least 0")
    if args.clock == "cpu" and (args.device != "cpu" or args.threads != 1):
        sys.exit("error: --clock cpu times the calling thread only: use it with --device cpu --threads 1")
    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("error: --device cuda, but torch sees no CUDA device")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    configs = list(configurations(args.sweep_csv))
    done = set()
    if os.path.exists(args.out):
        with open(args.out, newline="") as handle:
            done = {identity(row) for row in csv.DictReader(handle)}
    pending = [c for c in configs if identity(c) not in done]
    rounds_path = args.out + ".rounds.csv"
    times = {identity(c): [] for c in pending}
    if os.path.exists(rounds_path):
        with open(rounds_path, newline="") as handle:
            for row in csv.reader(handle):
                key = tuple(row[:len(KEYS)])
                if key in times:
                    times[key].append([float(t) for t in row[len(KEYS):]])
    description = describe(args)
    print(description, file=sys.stderr)
    models = {}
    order = random.Random(args.seed)
    with open(rounds_path, "a", newline="") as log:
        logger = csv.writer(log)
        for round_index in range(args.rounds):
            todo = [c for c in pending if len(times[identity(c)]) <= round_index]
            order.shuffle(todo)
            for position, config in enumerate(todo):
                key = identity(config)
                if key not in models:
                    models[key] = build(config, args, device)
                measured = time_ms(models[key], args)
                times[key].append(measured)
                logger.writerow(list(key) + measured)
                log.flush()
                median = statistics.median(measured)
                print(f"[round {round_index + 1}/{args.rounds}, {position + 1}/{len(todo)}] {config['frames']}x"
                      f"{config['test_crop']}^2 w{config['width_factor']} d{config['depth_factor']} "
                      f"b{config['bottleneck_factor']}: {median:.2f} ms "
                      f"(spread {100 * (max(measured) - min(measured)) / median:.0f}%)", file=sys.stderr)
    fresh = not os.path.exists(args.out)
    with open(args.out, "a", newline="") as handle:
        writer = csv.writer(handle)
        if fresh:
            writer.writerow(KEYS + ["implementation", "latency_ms", "latency_min_ms", "latency_max_ms"])
        for config in pending:
            all_times = [t for one in times[identity(config)][:args.rounds] for t in one]
            writer.writerow([config[k] for k in KEYS] + ["pytorchvideo", statistics.median(all_times),
                                                         min(all_times), max(all_times)])
    os.remove(rounds_path)
    print(f"import with: x3d-cost import --sweep SWEEP {args.out} --metric latency_min_ms:ms:lower "
          f"--metric latency_max_ms:ms:lower --source \"{description}\"", file=sys.stderr)


if __name__ == "__main__":
    main()
