"""Generate Tests/Fixtures/pytorchvideo_costs.json: fvcore counts of pytorchvideo's X3D.

Regenerate (from the repository root):

    python tools/gen_cost_fixtures.py

(venv: torch, fvcore, pytorchvideo 0.1.5; CPU only; ~1-3 minutes on one core.)

Every case builds
    pytorchvideo.models.x3d.create_x3d(input_clip_length=T, input_crop_size=S,
        model_num_class=K, width_factor=w, depth_factor=d, bottleneck_factor=b,
        head_dim_out=2048)
(all other arguments at their defaults: dropout 0.5, BN eps 1e-5, ReLU, Swish,
SE ratio 0.0625, stem kernel (5,3,3), head softmax + global average), puts it in
eval() mode and counts it on torch.zeros(1, 3, T, S, S) with fvcore's
FlopCountAnalysis (.total(), .by_operator(), .unsupported_ops()) and
ActivationCountAnalysis (.total(), .by_operator()).
params = sum of numel over model.parameters(); params_no_bn = the same without the
weight/bias of BatchNorm modules. conv_macs / linear_macs / batch_norm are the
"conv" / "linear" / "batch_norm" entries of FlopCountAnalysis.by_operator().

Configurations (deterministic):
  * presets X2D, XS, S, M, L, XL (400 classes);
  * "edge" cases where the inner width int(b * Co) truncates below the exact decimal
    product because of binary floating point (e.g. int(2.3 * 200) == 459);
  * random cases drawn with random.Random(20260425): frames 1-16, crop 32-256,
    width 0.50-4.00, depth 0.40-5.50, bottleneck 1.00-4.00 (2 decimals), classes from
    {1, 10, 51, 101, 174, 400, 600, 700}; draws whose conv MACs (computed exactly by a
    shape-only forward on the meta device) exceed MAX_MACS are skipped, until
    N_RANDOM cases are accepted.
The conv MACs of that meta forward are asserted equal to fvcore's conv count.
"""
import json
import logging
import math
import os
import random
import sys
import time
import warnings

import torch
import torch.nn as nn

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
torch.set_num_threads(1)

import fvcore  # noqa: E402
import pytorchvideo  # noqa: E402
from fvcore.nn import ActivationCountAnalysis, FlopCountAnalysis  # noqa: E402
from pytorchvideo.layers.utils import round_width  # noqa: E402
from pytorchvideo.models.x3d import create_x3d  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "pytorchvideo_costs.json")
SEED = 20260425
N_RANDOM = 40
MAX_MACS = 12_000_000_000  # per random case; keeps each fvcore run well under 20 s
CLASSES = [1, 10, 51, 101, 174, 400, 600, 700]

PRESETS = [
    # name, frames, crop, width, depth, bottleneck
    ("X2D", 1, 112, 2.0, 1.0, 1.0),
    ("XS", 4, 160, 2.0, 2.2, 2.25),
    ("S", 13, 160, 2.0, 2.2, 2.25),
    ("M", 16, 224, 2.0, 2.2, 2.25),
    ("L", 16, 312, 2.0, 5.0, 2.25),
    ("XL", 16, 312, 2.9, 5.0, 2.25),
]

# Reference table (x3d-reference.md section 6, SlowFast 2020 model). pytorchvideo omits
# the BN of res2 block 0's shortcut (its widths C1 = Co2 = round_width(12, w) are always
# equal), i.e. 2 * C1 fewer params: 48 for w = 2 (C1 = 24), 64 for XL (w = 2.9, C1 = 32).
# Same MACs, same params without BN.
REFERENCE = {
    "X2D": dict(macs=20_662_304, params=1_633_560, params_no_bn=1_625_352),
    "XS": dict(macs=605_256_512, params=3_794_322, params_no_bn=3_762_858, activations=11_218_968),
    "S": dict(macs=1_962_892_112, params=3_794_322, params_no_bn=3_762_858),
    "M": dict(macs=4_732_468_736, params=3_794_322, params_no_bn=3_762_858, activations=87_914_520),
    "L": dict(macs=18_367_710_176, params=6_153_432, params_no_bn=6_087_120),
    "XL": dict(macs=35_837_627_616, params=11_095_904, params_no_bn=11_000_260, activations=412_166_188),
}

# Floating-point edge cases for Cb = int(b * Co):
#   w=2.08 -> Co5 = 200; int(2.3 * 200) = 459 (exact 460)
#   w=2.5  -> Co4 = 120; int(2.05 * 120) = 245 (exact 246)
#   w=3.75 -> Co5 = 360; int(2.8 * 360) = 1007 (exact 1008)
#   w=2.08, b=1.13 -> int(1.13 * 200) = 225 (exact 226)
EDGE = [
    ("edge-b2.3-Co200", 2, 64, 2.08, 1.0, 2.3, 400),
    ("edge-b2.05-Co120", 3, 57, 2.5, 0.7, 2.05, 101),
    ("edge-b2.8-Co360", 1, 40, 3.75, 0.4, 2.8, 10),
    ("edge-b1.13-Co200", 2, 33, 2.08, 1.3, 1.13, 51),
]


def build(frames, crop, w, d, b, classes):
    return create_x3d(
        input_clip_length=frames,
        input_crop_size=crop,
        model_num_class=classes,
        width_factor=w,
        depth_factor=d,
        bottleneck_factor=b,
        head_dim_out=2048,
    )


def meta_conv_macs(frames, crop, w, d, b, classes):
    """Exact conv MACs from a shape-only forward on the meta device."""
    with torch.device("meta"):
        model = build(frames, crop, w, d, b, classes).eval()
    total = [0]

    def hook(mod, inp, out):
        cin = mod.in_channels // mod.groups
        k = math.prod(mod.kernel_size)
        total[0] += out.numel() * cin * k  # out.numel() = N * Cout * To * Ho * Wo

    for m in model.modules():
        if isinstance(m, nn.Conv3d):
            m.register_forward_hook(hook)
    with torch.no_grad():
        model(torch.zeros(1, 3, frames, crop, crop, device="meta"))
    return total[0]


def count(name, frames, crop, w, d, b, classes):
    torch.manual_seed(0)
    model = build(frames, crop, w, d, b, classes).eval()
    params = sum(p.numel() for p in model.parameters())
    bn_params = sum(
        p.numel()
        for m in model.modules()
        if isinstance(m, nn.modules.batchnorm._BatchNorm)
        for p in m.parameters(recurse=False)
    )
    x = torch.zeros(1, 3, frames, crop, crop)
    with torch.no_grad():
        fca = FlopCountAnalysis(model, x)
        fca.unsupported_ops_warnings(False)
        fca.uncalled_modules_warnings(False)
        total = int(fca.total())
        by_op = {k: int(v) for k, v in sorted(fca.by_operator().items())}
        unsupported = {k: int(v) for k, v in sorted(fca.unsupported_ops().items())}
        aca = ActivationCountAnalysis(model, x)
        aca.unsupported_ops_warnings(False)
        aca.uncalled_modules_warnings(False)
        acts = int(aca.total())
        acts_by_op = {k: int(v) for k, v in sorted(aca.by_operator().items())}
    case = {
        "frames": frames,
        "crop": crop,
        "width_factor": w,
        "depth_factor": d,
        "bottleneck_factor": b,
        "classes": classes,
        "params": int(params),
        "params_no_bn": int(params - bn_params),
        "conv_macs": by_op.get("conv", 0),
        "linear_macs": by_op.get("linear", 0),
        "batch_norm": by_op.get("batch_norm", 0),
        "fvcore_total": total,
        "activations": acts,
        "unsupported_ops": unsupported,
        "by_operator": by_op,
        "activations_by_operator": acts_by_op,
    }
    if name:
        case = {"name": name, **case}
    return case


def main():
    t0 = time.time()
    configs = [(n, T, S, w, d, b, 400) for n, T, S, w, d, b in PRESETS]
    configs += EDGE
    rng = random.Random(SEED)
    accepted = skipped = 0
    while accepted < N_RANDOM:
        T = rng.randint(1, 16)
        S = rng.randint(32, 256)
        w = round(rng.uniform(0.5, 4.0), 2)
        d = round(rng.uniform(0.4, 5.5), 2)
        b = round(rng.uniform(1.0, 4.0), 2)
        K = rng.choice(CLASSES)
        if meta_conv_macs(T, S, w, d, b, K) > MAX_MACS:
            skipped += 1
            continue
        configs.append((None, T, S, w, d, b, K))
        accepted += 1

    cases = []
    for name, T, S, w, d, b, K in configs:
        t = time.time()
        case = count(name, T, S, w, d, b, K)
        expect = meta_conv_macs(T, S, w, d, b, K)
        assert case["conv_macs"] == expect, (name, T, S, w, d, b, case["conv_macs"], expect)
        cases.append(case)
        print(
            f"{name or '':18s} T={T:2d} S={S:3d} w={w:<5} d={d:<5} b={b:<5} K={K:3d} "
            f"params={case['params']:>10,} macs={case['conv_macs'] + case['linear_macs']:>15,} "
            f"acts={case['activations']:>12,} ({time.time() - t:.1f}s)",
            flush=True,
        )

    ok = True
    for case in cases:
        ref = REFERENCE.get(case.get("name"))
        if not ref:
            continue
        got = dict(
            macs=case["conv_macs"] + case["linear_macs"],
            # pytorchvideo omits res2 block 0's shortcut BN: 2 * C1 params
            params=case["params"] + 2 * round_width(12, case["width_factor"]),
            params_no_bn=case["params_no_bn"],
            activations=case["activations"],
        )
        for k, v in ref.items():
            if got[k] != v:
                ok = False
                print(f"MISMATCH {case['name']} {k}: got {got[k]:,} reference {v:,}")
    print(f"presets vs x3d-reference.md section 6: {'all match' if ok else 'MISMATCH'}")

    doc = {
        "format": "x3d-cost-fixture",
        "version": 1,
        "regenerate": "python tools/gen_cost_fixtures.py",
        "torch": torch.__version__,
        "fvcore": getattr(fvcore, "__version__", "unknown"),
        "pytorchvideo": pytorchvideo.__version__,
        "impl": "pytorchvideo",
        "notes": (
            "create_x3d(input_clip_length=frames, input_crop_size=crop, model_num_class=classes, "
            "width_factor, depth_factor, bottleneck_factor, head_dim_out=2048), other args default; "
            "eval(); input zeros(1,3,frames,crop,crop). params_no_bn excludes BatchNorm weight/bias. "
            "conv_macs/linear_macs/batch_norm are FlopCountAnalysis.by_operator() entries; "
            "batch_norm is fvcore's eval-mode BN charge. activations = ActivationCountAnalysis.total()."
        ),
        "seed": SEED,
        "max_random_conv_macs": MAX_MACS,
        "random_draws_skipped": skipped,
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {len(cases)} cases ({accepted} random, {skipped} draws skipped), "
          f"{time.time() - t0:.0f}s")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
