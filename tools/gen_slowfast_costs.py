"""Generate Tests/Fixtures/slowfast_costs.json: fvcore counts of SlowFast's X3D (current code).

Regenerate (from the repository root):

    python tools/gen_slowfast_costs.py

(venv: torch, fvcore; CPU only; ~1 minute on one core.) SlowFast itself is not installed:
the script extracts the `slowfast/` package of the SlowFast git repository into a
directory outside this repository (default /tmp/slowfast_src) with
    git --git-dir=$SLOWFAST_GIT_DIR archive <commit> slowfast | tar -x -C $SLOWFAST_SRC
(SLOWFAST_GIT_DIR is required: the git directory of a SlowFast clone, e.g. .../SlowFast/.git; the commit
to HEAD there; the commit used is recorded in the JSON) and puts it on sys.path. (With the
local mirror, git may print "error: invalid object ... demo/visualization/...gradcam.gif";
that blob is outside slowfast/ and the archive still exits 0.) Imports
that SlowFast needs only for training/data/visualisation and that are missing from the
venv (simplejson, psutil, fairscale, detectron2, matplotlib, cv2, scipy, pandas,
pytorchvideo.layers.distributed, pytorchvideo.losses) are replaced by MagicMock modules;
none of them is used when building or running X3D.

Each case builds slowfast.models.video_model_builder.X3D(cfg) with cfg = get_cfg() merged
with MODEL.ARCH x3d, MODEL.MODEL_NAME X3D, RESNET.TRANS_FUNC x3d_transform,
RESNET.STRIDE_1X1 False, X3D.WIDTH_FACTOR w, X3D.DEPTH_FACTOR d, X3D.BOTTLENECK_FACTOR b,
X3D.DIM_C1 12, X3D.DIM_C5 2048, DATA.NUM_FRAMES T, DATA.TRAIN_CROP_SIZE S,
DATA.TEST_CROP_SIZE S, DATA.INPUT_CHANNEL_NUM [3], MODEL.NUM_CLASSES K, NUM_GPUS 0 (other
keys at their defaults: dropout 0.5, SE ratio 1/16, channel-wise 3x3x3, head act softmax),
eval() mode, counted by fvcore on [torch.zeros(1, 3, T, S, S)] exactly like
tools/gen_cost_fixtures.py (same JSON fields). Current SlowFast rounds the stem and stage
widths with round_width(base, w) using min_width 1 and divisor 1 (not 8): "impl": "slowfast".

Configurations: presets X2D, XS, S, M, L, XL (400 classes), the same four "edge"
configurations as tools/gen_cost_fixtures.py, and the first N_RANDOM configurations of the
same random.Random(20260425) draw procedure (so they coincide with the first random cases
of pytorchvideo_costs.json, provided none of those was skipped there).
"""
import importlib.abc
import importlib.machinery
import json
import logging
import os
import random
import subprocess
import sys
import time
import warnings
from unittest import mock

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "slowfast_costs.json")
GIT_DIR = os.environ.get("SLOWFAST_GIT_DIR")
SRC = os.environ.get("SLOWFAST_SRC", "/tmp/slowfast_src")
SEED = 20260425
N_RANDOM = 15
MAX_MACS = 12_000_000_000
CLASSES = [1, 10, 51, 101, 174, 400, 600, 700]
STUBS = [
    "simplejson", "psutil", "fairscale", "detectron2", "matplotlib", "cv2", "scipy",
    "pandas", "pytorchvideo.layers.distributed", "pytorchvideo.losses",
]

PRESETS = [
    ("X2D", 1, 112, 2.0, 1.0, 1.0),
    ("XS", 4, 160, 2.0, 2.2, 2.25),
    ("S", 13, 160, 2.0, 2.2, 2.25),
    ("M", 16, 224, 2.0, 2.2, 2.25),
    ("L", 16, 312, 2.0, 5.0, 2.25),
    ("XL", 16, 312, 2.9, 5.0, 2.25),
]
EDGE = [
    ("edge-b2.3-Co200", 2, 64, 2.08, 1.0, 2.3, 400),
    ("edge-b2.05-Co120", 3, 57, 2.5, 0.7, 2.05, 101),
    ("edge-b2.8-Co360", 1, 40, 3.75, 0.4, 2.8, 10),
    ("edge-b1.13-Co200", 2, 33, 2.08, 1.3, 1.13, 51),
]
# x3d-reference.md section 6 (SlowFast 2020). With w = 2 the divisor-1 and divisor-8
# roundings agree, so X2D..L must match exactly; XL differs (reference: ~36.65 G MACs).
REFERENCE = {
    "X2D": dict(macs=20_662_304, params=1_633_560, params_no_bn=1_625_352),
    "XS": dict(macs=605_256_512, params=3_794_322, params_no_bn=3_762_858, activations=11_218_968),
    "S": dict(macs=1_962_892_112, params=3_794_322, params_no_bn=3_762_858),
    "M": dict(macs=4_732_468_736, params=3_794_322, params_no_bn=3_762_858, activations=87_914_520),
    "L": dict(macs=18_367_710_176, params=6_153_432, params_no_bn=6_087_120),
}


def slowfast_commit():
    if not GIT_DIR:
        sys.exit("error: set SLOWFAST_GIT_DIR to the git directory of a SlowFast clone (see the top of this file)")
    return subprocess.check_output(
        ["git", "--git-dir", GIT_DIR, "rev-parse", "HEAD"], text=True
    ).strip()


def extract(commit):
    marker = os.path.join(SRC, ".commit")
    if os.path.exists(marker) and open(marker).read().strip() == commit:
        return
    os.makedirs(SRC, exist_ok=True)
    archive = subprocess.Popen(
        ["git", "--git-dir", GIT_DIR, "archive", commit, "slowfast"], stdout=subprocess.PIPE
    )
    subprocess.check_call(["tar", "-x", "-C", SRC], stdin=archive.stdout)
    assert archive.wait() == 0
    with open(marker, "w") as f:
        f.write(commit + "\n")


class _Stubber(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if any(name == n or name.startswith(n + ".") for n in STUBS):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        m = mock.MagicMock()
        m.__path__ = []
        m.__spec__ = spec
        m.__name__ = spec.name
        return m

    def exec_module(self, module):
        pass


def main():
    t0 = time.time()
    commit = slowfast_commit()
    extract(commit)
    sys.path.insert(0, SRC)
    sys.meta_path.insert(0, _Stubber())
    warnings.filterwarnings("ignore")
    import torch
    import torch.nn as nn

    torch.set_num_threads(1)
    import fvcore
    from fvcore.nn import ActivationCountAnalysis, FlopCountAnalysis
    from slowfast.config.defaults import get_cfg
    from slowfast.models.video_model_builder import X3D

    logging.disable(logging.WARNING)

    def build(T, S, w, d, b, K, device=None):
        cfg = get_cfg()
        cfg.merge_from_list([
            "MODEL.ARCH", "x3d", "MODEL.MODEL_NAME", "X3D",
            "RESNET.TRANS_FUNC", "x3d_transform", "RESNET.STRIDE_1X1", False,
            "X3D.WIDTH_FACTOR", w, "X3D.DEPTH_FACTOR", d, "X3D.BOTTLENECK_FACTOR", b,
            "X3D.DIM_C1", 12, "X3D.DIM_C5", 2048,
            "DATA.NUM_FRAMES", T, "DATA.TRAIN_CROP_SIZE", S, "DATA.TEST_CROP_SIZE", S,
            "DATA.INPUT_CHANNEL_NUM", [3], "MODEL.NUM_CLASSES", K, "NUM_GPUS", 0,
        ])
        if device is None:
            return X3D(cfg)
        with torch.device(device):
            return X3D(cfg)

    def meta_conv_macs(T, S, w, d, b, K):
        model = build(T, S, w, d, b, K, "meta").eval()
        total = [0]

        def hook(mod, inp, out):
            total[0] += out.numel() * (mod.in_channels // mod.groups) * int(
                torch.tensor(mod.kernel_size).prod()
            )

        for m in model.modules():
            if isinstance(m, nn.Conv3d):
                m.register_forward_hook(hook)
        with torch.no_grad():
            model([torch.zeros(1, 3, T, S, S, device="meta")])
        return total[0]

    def count(name, T, S, w, d, b, K):
        torch.manual_seed(0)
        model = build(T, S, w, d, b, K).eval()
        params = sum(p.numel() for p in model.parameters())
        bn = sum(
            p.numel()
            for m in model.modules()
            if isinstance(m, nn.modules.batchnorm._BatchNorm)
            for p in m.parameters(recurse=False)
        )
        inputs = ([torch.zeros(1, 3, T, S, S)],)
        with torch.no_grad():
            fca = FlopCountAnalysis(model, inputs)
            fca.unsupported_ops_warnings(False)
            fca.uncalled_modules_warnings(False)
            total = int(fca.total())
            by_op = {k: int(v) for k, v in sorted(fca.by_operator().items())}
            unsupported = {k: int(v) for k, v in sorted(fca.unsupported_ops().items())}
            aca = ActivationCountAnalysis(model, inputs)
            aca.unsupported_ops_warnings(False)
            aca.uncalled_modules_warnings(False)
            acts = int(aca.total())
            acts_by_op = {k: int(v) for k, v in sorted(aca.by_operator().items())}
        case = {
            "frames": T, "crop": S, "width_factor": w, "depth_factor": d,
            "bottleneck_factor": b, "classes": K,
            "params": int(params), "params_no_bn": int(params - bn),
            "conv_macs": by_op.get("conv", 0), "linear_macs": by_op.get("linear", 0),
            "batch_norm": by_op.get("batch_norm", 0), "fvcore_total": total,
            "activations": acts, "unsupported_ops": unsupported, "by_operator": by_op,
            "activations_by_operator": acts_by_op,
        }
        return {"name": name, **case} if name else case

    configs = [(n, T, S, w, d, b, 400) for n, T, S, w, d, b in PRESETS] + EDGE
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
        assert case["conv_macs"] == meta_conv_macs(T, S, w, d, b, K)
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
        got = dict(macs=case["conv_macs"] + case["linear_macs"], params=case["params"],
                   params_no_bn=case["params_no_bn"], activations=case["activations"])
        for k, v in ref.items():
            if got[k] != v:
                ok = False
                print(f"MISMATCH {case['name']} {k}: got {got[k]:,} reference {v:,}")
    xl = next(c for c in cases if c.get("name") == "XL")
    xl_g = (xl["conv_macs"] + xl["linear_macs"]) / 1e9
    print(f"XL conv+linear MACs {xl_g:.2f} G (reference: 36.65 G with divisor 1)")
    ok = ok and round(xl_g, 2) == 36.65
    print(f"presets vs x3d-reference.md: {'all match' if ok else 'MISMATCH'}")

    doc = {
        "format": "x3d-cost-fixture",
        "version": 1,
        "regenerate": "python tools/gen_slowfast_costs.py",
        "torch": torch.__version__,
        "fvcore": getattr(fvcore, "__version__", "unknown"),
        "pytorchvideo": None,
        "slowfast_commit": commit,
        "impl": "slowfast",
        "width_rounding": {"min_width": 1, "divisor": 1},
        "notes": (
            "slowfast.models.video_model_builder.X3D at slowfast_commit, eval(), input "
            "[zeros(1,3,frames,crop,crop)]. Stem/stage widths round_width(base, w, min 1, "
            "divisor 1); SE width round_width(Cb, 1/16, 8, 8); every block-0 shortcut has a BN "
            "(also res2). In eval the head applies softmax and a mean over positions. Same "
            "fields as pytorchvideo_costs.json."
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
    print(f"wrote {OUT}: {len(cases)} cases, {time.time() - t0:.0f}s")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
