"""Generate Tests/Fixtures/training_amp_memory.json: the memory of one mixed-precision training step
(`x3d-cost fit/cost --amp bf16|f16`) of pytorchvideo's X3D on the CPU, measured by PyTorch.

Regenerate (from the repository root):

    python tools/gen_training_amp_memory.py

(venv: torch 2.x, pytorchvideo 0.1.5; CPU only, one thread; about a minute.)

The scheme the cost model describes (docs/training.md): weights, gradients and activations in 16 bits, float32
master weights, float32 optimizer state over the master weights. torch.autocast is not that scheme (it keeps
float32 weights and gradients and caches 16-bit copies of the weights), so it is built by hand:
    model = create_x3d(...).train().to(dtype)        # 16-bit parameters, activations and gradients
    master = [p.detach().float() for p in model.parameters()]   # float32 master weights
    opt = OPTIMIZER(master)                           # float32 state
    step: out = model(clip16); loss = nll_loss(log(out.float()), labels); loss.backward()
          then per parameter tensor: m.grad = p.grad.float(); opt_m.step(); p.copy_(m); m.grad = p.grad = None
(one optimizer per tensor, so the float32 gradient is a per-tensor temporary, which the model does not count).

One deviation, accounted for explicitly: PyTorch's CPU avg_pool3d has no bfloat16 or float16 kernel
("avg_pool3d_out_frame" not implemented), so the head's pool5 runs in float32: x.float() -> avg_pool3d -> .to(dtype).
That keeps a float32 copy of the pool's input (4 bytes per element, saved by avg_pool3d for its backward, where the
model keeps the 16-bit input that ReLU saves anyway) and briefly a float32 output; recorded as pool_cast_bytes
(4 * input elements) for the comparison. The loss is computed in float32 (out.float(): N*K*4 bytes more).

Recorded per case: parameter_bytes (16-bit), gradient_bytes (p.grad after backward), master_weight_bytes,
optimizer_state_bytes (after one step), saved_activation_bytes (every storage autograd packs during forward, each
once, parameters and buffers excluded, via saved_tensors_hooks; pool_cast_bytes included), peak_bytes (the peak of
torch.profiler's memory timeline, profile_memory=True, of the second step, summed over categories, as in
tools/gen_training_step_memory.py), input_bytes (16-bit clip and int64 labels).
"""
import json
import os
import warnings

import numpy as np
import torch

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

import pytorchvideo  # noqa: E402,F401
from pytorchvideo.models.x3d import create_x3d  # noqa: E402
from torch.profiler import ProfilerActivity, profile  # noqa: E402
from torch.profiler._memory_profiler import MemoryProfileTimeline  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "training_amp_memory.json")
REGENERATE = "python tools/gen_training_amp_memory.py"

# frames, crop, width, depth, bottleneck, classes, batch, optimizer, amp
CASES = [
    (2, 64, 1.0, 0.5, 1.0, 10, 2, "adamw", "bf16"),
    (4, 96, 2.0, 1.0, 2.25, 400, 2, "sgd", "bf16"),
    (3, 80, 1.5, 0.8, 1.5, 51, 3, "momentum", "bf16"),
    (1, 112, 2.0, 2.2, 2.25, 101, 4, "adam", "bf16"),
    (2, 64, 1.0, 0.5, 1.0, 10, 2, "adamw", "f16"),
    (4, 112, 2.0, 2.2, 2.25, 400, 1, "momentum", "f16"),
]
DTYPES = {"bf16": torch.bfloat16, "f16": torch.float16}


def optimizer(name, params):
    if name == "sgd":
        return torch.optim.SGD(params, lr=0.01)
    if name == "momentum":
        return torch.optim.SGD(params, lr=0.01, momentum=0.9)
    if name == "adam":
        return torch.optim.Adam(params, lr=1e-3)
    return torch.optim.AdamW(params, lr=1e-3)


class Float32Pool(torch.nn.Module):
    """pool5 in float32: CPU avg_pool3d has no 16-bit kernel."""

    def __init__(self, pool):
        super().__init__()
        self.pool = pool
        self.input_elements = 0

    def forward(self, x):
        self.input_elements = x.numel()
        return self.pool(x.float()).to(x.dtype)


def build(T, S, w, d, b, K, dtype):
    torch.manual_seed(0)
    model = create_x3d(input_clip_length=T, input_crop_size=S, model_num_class=K, width_factor=w, depth_factor=d,
                       bottleneck_factor=b).train()
    head = model.blocks[5].pool
    head.pool = Float32Pool(head.pool)
    return model.to(dtype)


def timeline_total(fn):
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True, record_shapes=True,
                 with_stack=True) as prof:
        fn()
    timeline = MemoryProfileTimeline(prof._memory_profile())
    _, sizes = timeline._coalesce_timeline(torch.device("cpu"))
    return np.array(sizes).sum(axis=1)


def measure(T, S, w, d, b, K, N, opt_name, amp):
    dtype = DTYPES[amp]
    torch.manual_seed(1)
    x = torch.randn(N, 3, T, S, S).to(dtype)
    y = torch.randint(0, K, (N,))
    model = build(T, S, w, d, b, K, dtype)
    params = list(model.parameters())
    master = [p.detach().float().clone() for p in params]
    opts = [optimizer(opt_name, [m]) for m in master]
    parameter_bytes = sum(p.numel() * p.element_size() for p in params)
    master_bytes = sum(m.numel() * m.element_size() for m in master)
    record = {}

    def step():
        out = model(x)
        loss = torch.nn.functional.nll_loss(torch.log(out.float()), y)
        loss.backward()
        record["gradient_bytes"] = sum(p.grad.numel() * p.grad.element_size() for p in params)
        with torch.no_grad():
            for p, m, o in zip(params, master, opts):
                m.grad = p.grad.float()
                o.step()
                m.grad = None
                p.grad = None
                p.copy_(m)

    # Saved activations: every storage autograd packs in one forward, parameters and buffers excluded.
    skip = {t.untyped_storage().data_ptr() for t in list(model.parameters()) + list(model.buffers())}
    packed = {}

    def pack(t):
        storage = t.untyped_storage()
        packed.setdefault(storage.data_ptr(), storage.nbytes())
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = model(x)
    saved = sum(n for ptr, n in packed.items() if ptr not in skip)
    del out
    step()
    state = sum(t.numel() * t.element_size() for o in opts for s in o.state.values() for t in s.values()
                if torch.is_tensor(t))
    peak = timeline_total(step).max()
    pool_input = model.blocks[5].pool.pool.input_elements
    return dict(frames=T, crop=S, width_factor=w, depth_factor=d, bottleneck_factor=b, classes=K, batch=N,
                optimizer=opt_name, amp=amp, parameter_bytes=int(parameter_bytes),
                gradient_bytes=int(record["gradient_bytes"]), master_weight_bytes=int(master_bytes),
                optimizer_state_bytes=int(state), saved_activation_bytes=int(saved), peak_bytes=int(peak),
                pool_cast_bytes=int(4 * pool_input),
                input_bytes=int(x.numel() * x.element_size() + y.numel() * y.element_size()))


def main():
    cases = []
    for case in CASES:
        c = measure(*case)
        cases.append(c)
        print(case, {k: f"{v:,}" for k, v in c.items() if k.endswith("bytes")}, flush=True)
    with open(OUT, "w") as f:
        json.dump(dict(format="x3d-training-amp-memory", version=1, regenerate=REGENERATE,
                       torch=torch.__version__, pytorchvideo="0.1.5", cases=cases), f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
