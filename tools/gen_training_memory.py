"""Generate Tests/Fixtures/pytorchvideo_training_memory.json: bytes autograd saves for backward.

Regenerate (from the repository root):

    python tools/gen_training_memory.py

(venv: torch, pytorchvideo 0.1.5; CPU only, float32; a few seconds.)

For each configuration the pytorchvideo X3D
    create_x3d(input_clip_length=T, input_crop_size=S, model_num_class=K,
               width_factor=w, depth_factor=d, bottleneck_factor=b, head_dim_out=2048)
is put in train() mode and run forward once on torch.randn(batch, 3, T, S, S) (batch 2)
inside torch.autograd.graph.saved_tensors_hooks. Every tensor that autograd packs is
keyed by its storage (untyped_storage().data_ptr()) and sized by
untyped_storage().nbytes(); each storage counts once.
  parameter_saved_bytes: storages that are model parameters or buffers (conv/linear
      weights, BN weight, running_mean/var, weight.t() views).
  training_saved_bytes: every other storage, INCLUDING the input clip that the first
      conv saves (input_saved_bytes gives that part separately).

Attribution (by_grad_fn): after the forward, the output.grad_fn graph is walked; every node
lists its saved tensors (`_saved_*` attributes for built-in nodes, `saved_tensors` for
custom autograd.Function nodes such as pytorchvideo's SwishFunction). Nodes are taken in
forward order (ascending _sequence_nr()) and each storage is attributed to the first node
that saves it. Per grad_fn class name: the node count, per saved attribute the number of
nodes saving a tensor there, its dtypes, whether it is a parameter/buffer, and
"first_bytes": the unique non-parameter bytes first attributed to that class. The walk's
storage set is asserted equal to the hook's.

closed_form_bytes is an independent re-computation of training_saved_bytes from the
per-op rules (see closed_form() below; it does not look at the model) and is asserted
equal to the measurement.

Note: on CPU, nn.Dropout in training runs `input * noise` (noise float32, same shape),
so the dropout "mask" is a float32 tensor saved by MulBackward0 (`_saved_other`).
On CUDA, PyTorch uses the fused native_dropout, whose backward saves a bool mask (1 byte
per element) instead; CPU numbers therefore include 4 bytes/element for that mask.
"""
import collections
import json
import logging
import math
import os
import warnings

import torch
import torch.nn as nn

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
torch.set_num_threads(1)

import pytorchvideo  # noqa: E402
from pytorchvideo.models.x3d import create_x3d  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "pytorchvideo_training_memory.json")
BATCH = 2

CONFIGS = [
    # frames, crop, width, depth, bottleneck, classes
    (1, 32, 1.0, 0.5, 2.25, 10),
    (2, 48, 2.0, 2.2, 2.25, 400),
    (3, 57, 0.75, 1.3, 1.5, 51),
    (4, 96, 1.5, 0.8, 3.0, 101),
    (2, 80, 2.9, 1.0, 2.25, 174),
    (4, 63, 2.0, 5.0, 2.25, 700),
]


def build(T, S, w, d, b, K):
    return create_x3d(
        input_clip_length=T,
        input_crop_size=S,
        model_num_class=K,
        width_factor=w,
        depth_factor=d,
        bottleneck_factor=b,
        head_dim_out=2048,
    )


# ---------------------------------------------------------------- closed form
def round_width(x, m, min_width=8, divisor=8):
    if not m:
        return x
    y = x * m
    out = max(min_width, int(y + divisor / 2) // divisor * divisor)
    if out < 0.9 * y:
        out += divisor
    return int(out)


def closed_form(T, S, w, d, b, K, N, dropout_mask_bytes=4):
    """training_saved_bytes from the per-op rules (float32 = 4 bytes; batch N).

    Full-size tensors saved (each its own storage, counted once):
      input clip (saved by stem conv_xy); conv_xy output (saved by conv_t);
      every conv output that feeds a BN (saved by BN as `input`);
      every ReLU output (ReLU is not in-place; saves `result`, which is also the next
      conv's saved input); in SE blocks the BN_b output (saved by mul as `self`) and
      the mul output (saved by Swish); in non-SE blocks the BN_b output (saved by Swish);
      the Swish output (saved by conv_c); the head's ReLU output after conv5 (also saved
      by AvgPool3d as `self`); pool output (saved by fc1 conv); fc1 ReLU output;
      dropout noise (saved by mul as `other`); dropout output (saved by addmm as `mat1`);
      softmax result.
      Not saved: residual add, BN outputs feeding the add, the shortcut conv output when
      it has no BN (res2 block 0 when C1 == Co2), SE mean (saves only sizes), output
      pool (MeanBackward1, sizes only), views/permutes.
    Small tensors: per BN save_mean and save_invstd (C float32 each, 2 storages);
      per SE: the pooled mean (N*Cb, saved by SE conv1), the SE ReLU result (N*Cse,
      saved by ReLU and SE conv2), the sigmoid result (N*Cb, saved by sigmoid and mul).
    """
    f = 4
    total = 0
    C1 = round_width(12, w)
    S1 = math.ceil(S / 2)
    P = T * S1 * S1
    total += N * 3 * T * S * S * f  # input clip
    total += N * C1 * P * f  # conv_xy out (conv_t input)
    total += N * C1 * P * f  # conv_t out (BN input)
    total += 2 * C1 * f  # BN stats
    total += N * C1 * P * f  # ReLU result
    bases = [12, 24, 48, 96]
    depths = [1, 2, 5, 3]
    cin = C1
    H = S1
    for s in range(4):
        Co = round_width(bases[s], w)
        Cb = int(b * Co)
        Cse = round_width(Cb, 0.0625)
        n = int(math.ceil(d * depths[s]))
        for j in range(n):
            Pin = T * H * H
            Ho = math.ceil(H / 2) if j == 0 else H
            Pout = T * Ho * Ho
            block_in = cin if j == 0 else Co
            if j == 0:  # shortcut conv (stride 2); BN only when widths differ
                if block_in != Co:
                    total += N * Co * Pout * f + 2 * Co * f
            total += N * Cb * Pin * f + 2 * Cb * f  # conv_a out (BN_a input) + stats
            total += N * Cb * Pin * f  # ReLU_a result
            total += N * Cb * Pout * f + 2 * Cb * f  # conv_b out (BN_b input) + stats
            total += N * Cb * Pout * f  # BN_b out (mul self, or Swish input)
            if j % 2 == 0:  # SE
                total += N * Cb * Pout * f  # mul out (Swish input)
                total += N * Cb * f + N * Cse * f + N * Cb * f  # mean, relu, sigmoid
            total += N * Cb * Pout * f  # Swish out (conv_c input)
            total += N * Co * Pout * f + 2 * Co * f  # conv_c out (BN_c input) + stats
            total += N * Co * Pout * f  # ReLU after add
            H = Ho
        cin = Co
    Cb5 = int(b * round_width(96, w))
    P5 = T * H * H
    total += N * Cb5 * P5 * f + 2 * Cb5 * f  # conv5 out (BN input) + stats
    total += N * Cb5 * P5 * f  # ReLU result (also AvgPool3d self)
    positions = 1  # AvgPool3d kernel (T, ceil(S/32), ceil(S/32)) covers the whole map
    total += N * Cb5 * positions * f  # pool out (fc1 conv input)
    total += N * 2048 * positions * f  # fc1 ReLU result
    total += N * 2048 * positions * dropout_mask_bytes  # dropout noise / mask
    total += N * 2048 * positions * f  # dropout out (addmm mat1)
    total += N * K * positions * f  # softmax result
    return total


# ---------------------------------------------------------------- measurement
def measure(T, S, w, d, b, K):
    torch.manual_seed(0)
    model = build(T, S, w, d, b, K).train()
    param_ptrs = {p.untyped_storage().data_ptr() for p in model.parameters()}
    param_ptrs |= {t.untyped_storage().data_ptr() for t in model.buffers()}
    x = torch.randn(BATCH, 3, T, S, S)
    input_ptr = x.untyped_storage().data_ptr()

    packed = {}

    def pack(t):
        st = t.untyped_storage()
        packed.setdefault(st.data_ptr(), (st.nbytes(), t.dtype))
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        y = model(x)

    param_bytes = sum(n for p, (n, _) in packed.items() if p in param_ptrs)
    train_bytes = sum(n for p, (n, _) in packed.items() if p not in param_ptrs)
    input_bytes = packed[input_ptr][0] if input_ptr in packed else 0

    # walk the graph
    nodes, seen, stack = [], set(), [y.grad_fn]
    while stack:
        n = stack.pop()
        if n is None or n in seen:
            continue
        seen.add(n)
        nodes.append(n)
        stack.extend(f for f, _ in n.next_functions)
    nodes.sort(key=lambda n: n._sequence_nr())

    def saved_of(n):
        out = []
        if hasattr(n, "saved_tensors") and not any(a.startswith("_saved_") for a in dir(n)):
            for i, t in enumerate(n.saved_tensors):
                out.append((f"saved_tensors[{i}]", t))
            return out
        for a in sorted(dir(n)):
            if not a.startswith("_saved_"):
                continue
            try:
                v = getattr(n, a)
            except RuntimeError:
                continue
            if isinstance(v, torch.Tensor):
                out.append((a, v))
            elif isinstance(v, (list, tuple)):
                for i, t in enumerate(v):
                    if isinstance(t, torch.Tensor):
                        out.append((f"{a}[{i}]", t))
        return out

    by = collections.OrderedDict()
    attributed = set()
    walk_ptrs = set()
    small_stats = collections.Counter()
    low_precision = collections.Counter()
    for n in nodes:
        name = type(n).__name__
        e = by.setdefault(name, {"nodes": 0, "saved": {}, "first_bytes": 0, "first_storages": 0})
        e["nodes"] += 1
        for attr, t in saved_of(n):
            st = t.untyped_storage()
            ptr = st.data_ptr()
            walk_ptrs.add(ptr)
            is_param = ptr in param_ptrs
            s = e["saved"].setdefault(
                attr, {"count": 0, "param": is_param, "dtypes": [], "first_bytes": 0}
            )
            s["count"] += 1
            if s["param"] != is_param:
                s["param"] = "mixed"
            if str(t.dtype) not in s["dtypes"]:
                s["dtypes"].append(str(t.dtype))
            if t.dtype in (torch.bool, torch.uint8):
                low_precision[f"{name}.{attr}:{t.dtype}"] += 1
            if not is_param and t.dim() == 1 and name.startswith("NativeBatchNorm"):
                small_stats[f"{name}.{attr}:{t.dtype}"] += 1
            if ptr not in attributed and not is_param:
                attributed.add(ptr)
                e["first_bytes"] += st.nbytes()
                e["first_storages"] += 1
                s["first_bytes"] += st.nbytes()
    assert walk_ptrs == set(packed), "graph walk and pack hook disagree"
    for e in by.values():
        e["saved"] = {k: v for k, v in e["saved"].items()}
    assert sum(e["first_bytes"] for e in by.values()) == train_bytes

    cf = closed_form(T, S, w, d, b, K, BATCH)
    assert cf == train_bytes, (T, S, w, d, b, K, cf, train_bytes)
    return {
        "frames": T,
        "crop": S,
        "width_factor": w,
        "depth_factor": d,
        "bottleneck_factor": b,
        "classes": K,
        "batch": BATCH,
        "dtype": "float32",
        "training_saved_bytes": int(train_bytes),
        "parameter_saved_bytes": int(param_bytes),
        "input_saved_bytes": int(input_bytes),
        "closed_form_bytes": int(cf),
        "unique_storages": len(packed),
        "bn_stat_tensors": dict(small_stats),
        "bool_or_uint8_saved": dict(low_precision),
        "by_grad_fn": by,
    }


def main():
    cases = []
    for T, S, w, d, b, K in CONFIGS:
        c = measure(T, S, w, d, b, K)
        cases.append(c)
        print(
            f"T={T} S={S:3d} w={w:<4} d={d:<4} b={b:<4} K={K:3d} batch={BATCH}: "
            f"training_saved_bytes={c['training_saved_bytes']:,} (closed form {c['closed_form_bytes']:,}) "
            f"param={c['parameter_saved_bytes']:,} input={c['input_saved_bytes']:,}"
        )
    doc = {
        "format": "x3d-training-memory-fixture",
        "version": 1,
        "regenerate": "python tools/gen_training_memory.py",
        "torch": torch.__version__,
        "pytorchvideo": pytorchvideo.__version__,
        "impl": "pytorchvideo",
        "device": "cpu",
        "notes": (
            "One train() forward, batch 2, float32, CPU. Unique storages saved by autograd "
            "(saved_tensors_hooks, keyed by untyped_storage().data_ptr(), sized by nbytes()). "
            "training_saved_bytes excludes parameters/buffers and includes the input clip "
            "(input_saved_bytes). CPU dropout saves a float32 noise tensor (MulBackward0 "
            "_saved_other); CUDA's native_dropout would save a bool mask instead. "
            "by_grad_fn first_bytes: unique non-parameter bytes first attributed to that "
            "grad_fn class in forward order."
        ),
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT} ({os.path.getsize(OUT):,} bytes)")


if __name__ == "__main__":
    main()
