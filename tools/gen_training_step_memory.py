"""Generate Tests/Fixtures/training_step_memory.json: the memory of one training step of pytorchvideo's X3D on the
CPU, measured by PyTorch.

Regenerate (from the repository root):

    python tools/gen_training_step_memory.py

(venv: torch, pytorchvideo 0.1.5; CPU only, float32; about a minute.)

For each configuration, create_x3d(input_clip_length=T, input_crop_size=S, model_num_class=K, width_factor=w,
depth_factor=d, bottleneck_factor=b) (all else default: dropout 0.5, softmax head) is put in train() mode, and
each step is
    out = model(clip); loss = nll_loss(log(out), labels); loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
on clip = torch.randn(N, 3, T, S, S) and random labels. Recorded:
  parameter_bytes        sum of p.numel() * p.element_size();
  gradient_bytes         sum of p.grad sizes after backward (before zero_grad);
  optimizer_state_bytes  per optimizer (sgd: SGD(lr), momentum: SGD(momentum=0.9), adam: Adam, adamw: AdamW) after one
                         step(): every tensor in opt.state (Adam's `step` included);
  peak_bytes             for the optimizer named in "profiled_optimizer": one warm-up step (so the optimizer state
                         exists), then a second step under torch.profiler.profile(profile_memory=True,
                         record_shapes=True, with_stack=True); the peak over time of the memory timeline
                         (torch.profiler._memory_profiler.MemoryProfileTimeline, summed over its categories), which
                         counts the parameters and optimizer state it sees used, the clip and the labels;
  input_bytes            the clip and the labels (inside peak_bytes; not part of the cost model's figure besides the
                         clip, which autograd saves).

checkpoint_cases: the same measurement with torch.utils.checkpoint.checkpoint(forward, x, use_reentrant=False)
around every residual block ("block": each res_blocks[j].forward) or every residual stage ("stage": each
blocks[1..4].forward), optimizer SGD(lr) (no state):
  peak_bytes             as above;
  forward_end_bytes      the memory timeline's total at the end of a profiled forward pass and loss (no backward):
                         parameters, clip and labels, what the forward keeps for backward, the output, its log and
                         the loss;
  recomputed_macs        aten.convolution FLOPs / 2 that FlopCounterMode sees during loss.backward() (the segments'
                         forward, run again).
"""
import json
import os
import warnings

import numpy as np
import torch

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

import pytorchvideo  # noqa: E402
from pytorchvideo.models.x3d import create_x3d  # noqa: E402
from torch.profiler import ProfilerActivity, profile  # noqa: E402
from torch.profiler._memory_profiler import MemoryProfileTimeline  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "training_step_memory.json")
REGENERATE = "python tools/gen_training_step_memory.py"

# frames, crop, width, depth, bottleneck, classes, batch, profiled optimizer
CASES = [
    (2, 64, 1.0, 0.5, 1.0, 10, 2, "adamw"),
    (4, 96, 2.0, 1.0, 2.25, 400, 2, "sgd"),
    (1, 112, 2.0, 2.2, 2.25, 101, 4, "momentum"),
    (3, 80, 1.5, 0.8, 1.5, 51, 3, "adam"),
    (2, 128, 2.0, 0.5, 2.25, 174, 2, "adamw"),
    # Added after the model's transient rules were settled (docs/training.md), as held-out checks.
    (4, 112, 2.0, 2.2, 2.25, 400, 1, "adamw"),
    (8, 64, 1.0, 1.5, 2.0, 10, 4, "momentum"),
    (5, 72, 2.5, 1.2, 1.8, 7, 2, "sgd"),
]


def optimizer(name, params):
    if name == "sgd":
        return torch.optim.SGD(params, lr=0.01)
    if name == "momentum":
        return torch.optim.SGD(params, lr=0.01, momentum=0.9)
    if name == "adam":
        return torch.optim.Adam(params, lr=1e-3)
    return torch.optim.AdamW(params, lr=1e-3)


def build(T, S, w, d, b, K):
    torch.manual_seed(0)
    return create_x3d(input_clip_length=T, input_crop_size=S, model_num_class=K, width_factor=w, depth_factor=d,
                      bottleneck_factor=b).train()


def measure(T, S, w, d, b, K, N, profiled):
    x = torch.randn(N, 3, T, S, S)
    y = torch.randint(0, K, (N,))
    states = {}
    gradient_bytes = None
    for name in ("sgd", "momentum", "adam", "adamw"):
        model = build(T, S, w, d, b, K)
        opt = optimizer(name, model.parameters())
        loss = torch.nn.functional.nll_loss(torch.log(model(x)), y)
        loss.backward()
        gradient_bytes = sum(p.grad.numel() * p.grad.element_size() for p in model.parameters())
        opt.step()
        states[name] = sum(t.numel() * t.element_size() for s in opt.state.values() for t in s.values()
                           if torch.is_tensor(t))
    model = build(T, S, w, d, b, K)
    parameter_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    opt = optimizer(profiled, model.parameters())

    def step():
        out = model(x)
        loss = torch.nn.functional.nll_loss(torch.log(out), y)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    step()
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True, record_shapes=True,
                 with_stack=True) as prof:
        step()
    timeline = MemoryProfileTimeline(prof._memory_profile())
    _, sizes = timeline._coalesce_timeline(torch.device("cpu"))
    total = np.array(sizes).sum(axis=1)
    return dict(frames=T, crop=S, width_factor=w, depth_factor=d, bottleneck_factor=b, classes=K, batch=N,
                parameter_bytes=int(parameter_bytes), gradient_bytes=int(gradient_bytes),
                optimizer_state_bytes=states, profiled_optimizer=profiled, peak_bytes=int(total.max()),
                input_bytes=int(x.numel() * x.element_size() + y.numel() * y.element_size()))


CHECKPOINT_CASES = [
    # frames, crop, width, depth, bottleneck, classes, batch, checkpointing
    (2, 64, 1.0, 0.5, 1.0, 10, 2, "block"),
    (2, 64, 1.0, 0.5, 1.0, 10, 2, "stage"),
    (4, 96, 2.0, 1.0, 2.25, 400, 2, "block"),
    (1, 112, 2.0, 2.2, 2.25, 101, 4, "stage"),
]


def checkpointed(T, S, w, d, b, K, how):
    from torch.utils.checkpoint import checkpoint

    model = build(T, S, w, d, b, K)

    def wrap(module):
        forward = module.forward
        module.forward = lambda x: checkpoint(forward, x, use_reentrant=False)

    for stage in range(1, 5):
        if how == "stage":
            wrap(model.blocks[stage])
        else:
            for block in model.blocks[stage].res_blocks:
                wrap(block)
    return model


def timeline_total(fn):
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True, record_shapes=True,
                 with_stack=True) as prof:
        fn()
    timeline = MemoryProfileTimeline(prof._memory_profile())
    _, sizes = timeline._coalesce_timeline(torch.device("cpu"))
    return np.array(sizes).sum(axis=1)


def measure_checkpointed(T, S, w, d, b, K, N, how):
    from torch.utils.flop_counter import FlopCounterMode

    x = torch.randn(N, 3, T, S, S)
    y = torch.randint(0, K, (N,))
    model = checkpointed(T, S, w, d, b, K, how)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        loss = torch.nn.functional.nll_loss(torch.log(model(x)), y)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    step()
    peak = timeline_total(step).max()
    kept = []
    forward_end = timeline_total(lambda: kept.append(torch.nn.functional.nll_loss(torch.log(model(x)), y)))[-1]
    loss = kept.pop()
    counter = FlopCounterMode(display=False)
    with counter:
        loss.backward()
    recomputed = counter.get_flop_counts()["Global"].get(torch.ops.aten.convolution, 0) // 2
    return dict(frames=T, crop=S, width_factor=w, depth_factor=d, bottleneck_factor=b, classes=K, batch=N,
                checkpointing=how, peak_bytes=int(peak), forward_end_bytes=int(forward_end),
                recomputed_macs=int(recomputed),
                input_bytes=int(x.numel() * x.element_size() + y.numel() * y.element_size()))


def main():
    checkpoint_cases = []
    for case in CHECKPOINT_CASES:
        c = measure_checkpointed(*case)
        checkpoint_cases.append(c)
        print(case, "peak", f"{c['peak_bytes']:,}", "forward end", f"{c['forward_end_bytes']:,}", "recomputed",
              f"{c['recomputed_macs']:,}", flush=True)
    cases = []
    for case in CASES:
        c = measure(*case)
        cases.append(c)
        print(case, "peak", f"{c['peak_bytes']:,}", "params", f"{c['parameter_bytes']:,}", "state",
              c["optimizer_state_bytes"], flush=True)
    doc = dict(format="x3d-training-step-memory", version=1, regenerate=REGENERATE, torch=torch.__version__,
               pytorchvideo=pytorchvideo.__version__, impl="pytorchvideo", device="cpu", dtype="float32",
               cases=cases, checkpoint_cases=checkpoint_cases)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
