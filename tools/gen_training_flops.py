"""Generate Tests/Fixtures/training_flops.json: multiply-adds of one training step, counted by PyTorch.

Regenerate (from the repository root):

    python tools/gen_training_flops.py

(venv: torch, pytorchvideo 0.1.5; SlowFast's source extracted as in tools/gen_slowfast_costs.py; CPU only, about a
minute.)

For each configuration and implementation the model is built exactly as in tools/gen_cost_fixtures.py
(pytorchvideo's create_x3d), tools/gen_slowfast_costs.py (SlowFast's X3D: "slowfast") and, for "paper", the same
SlowFast X3D with its width rounding round_width(x, w, min_width=8, divisor=8) (the 2020 code the paper's numbers
come from). It is put in train() mode and one step runs on torch.randn(N, 3, T, S, S) inside
torch.utils.flop_counter.FlopCounterMode: the forward pass, cross-entropy on the model's output with random labels
(the loss adds no multiply-adds), loss.backward().

CORRECTION. FlopCounterMode (torch 2.x) counts the weight gradient of a convolution as if groups were 1: its
conv_backward_flop passes the gradient of the output in the place of the weight, whose channel count is Cin and not
Cin/groups, so a grouped convolution's weight gradient comes out `groups` times too large (109x the forward for one
depthwise 3x3x3 layer of X3D-M). This script registers its own formula for aten.convolution_backward (custom_mapping)
that divides the weight-gradient count by `groups`; the input-gradient count (a transposed convolution over the
weight, whose shape already holds Cin/groups) is right and kept. Both totals are recorded: "flop_counter_total"
(uncorrected, torch's own mapping) and the corrected split.

Fields per case (multiply-adds = FLOPs / 2, FlopCounterMode counts 2 per multiply-add):
  forward_macs               aten.convolution, aten.addmm, aten.mm, aten.bmm before backward;
  input_gradient_macs        convolution_backward with output_mask[0], and backward matrix products that read a
                             Linear weight (dy @ W);
  weight_gradient_macs       convolution_backward with output_mask[1] (corrected), and the other backward matrix
                             products (dy^T @ x);
  corrected_total_flops      FlopCounterMode's total with the corrected mapping (asserted = 2 x the three above);
  flop_counter_total_flops   FlopCounterMode's total with torch's own mapping (the uncorrected figure);
  by_node                    the three counts per convolution and linear layer, keyed by SlowFast module path (the
                             executor's node path; pytorchvideo names converted with tools/convert_checkpoint.py),
                             attributed by the weight each operation reads (a backward matrix product that reads no
                             weight is the weight gradient of the one Linear layer).
The first convolution's input (the clip) does not require grad, so autograd computes no input gradient there
(output_mask[0] is False).
"""
import json
import logging
import math
import os
import random
import sys
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

torch.set_num_threads(1)

import pytorchvideo  # noqa: E402
from pytorchvideo.models.x3d import create_x3d  # noqa: E402

OUT = os.path.join(ROOT, "Tests", "Fixtures", "training_flops.json")
REGENERATE = "python tools/gen_training_flops.py"
SEED = 20261130
N_RANDOM = 5  # per implementation
CLASSES = [1, 10, 51, 101, 174, 400]
aten = torch.ops.aten


def slowfast_builder():
    import gen_slowfast_costs as g

    commit = g.slowfast_commit()
    g.extract(commit)
    sys.path.insert(0, g.SRC)
    sys.meta_path.insert(0, g._Stubber())
    from slowfast.config.defaults import get_cfg
    import slowfast.models.video_model_builder as vmb

    original = vmb.round_width

    def build(T, S, w, d, b, K, paper):
        cfg = get_cfg()
        cfg.merge_from_list([
            "MODEL.ARCH", "x3d", "MODEL.MODEL_NAME", "X3D",
            "RESNET.TRANS_FUNC", "x3d_transform", "RESNET.STRIDE_1X1", False,
            "X3D.WIDTH_FACTOR", w, "X3D.DEPTH_FACTOR", d, "X3D.BOTTLENECK_FACTOR", b,
            "X3D.DIM_C1", 12, "X3D.DIM_C5", 2048,
            "DATA.NUM_FRAMES", T, "DATA.TRAIN_CROP_SIZE", S, "DATA.TEST_CROP_SIZE", S,
            "DATA.INPUT_CHANNEL_NUM", [3], "MODEL.NUM_CLASSES", K, "NUM_GPUS", 0,
        ])
        if paper:
            vmb.round_width = lambda width, m, min_width=8, divisor=8: original(width, m, 8, 8)
        try:
            return vmb.X3D(cfg)
        finally:
            vmb.round_width = original

    return build, commit


class Split:
    """Which phase FlopCounterMode is in, and the corrected multiply-adds by category, in total and per module.

    A count is attributed to the module whose weight the operation reads (a convolution's forward and backward, a
    linear layer's forward and input gradient); a backward matrix product that reads no weight is the weight
    gradient of the model's one Linear layer.
    """

    def __init__(self, model, names):
        self.backward = False
        self.module_of = {}
        linears = []
        for name, module in model.named_modules():
            if isinstance(module, (nn.Conv3d, nn.Linear)):
                self.module_of[module.weight.untyped_storage().data_ptr()] = names(name)
            if isinstance(module, nn.Linear):
                linears.append(names(name))
        assert len(linears) == 1, linears
        self.linear = linears[0]
        self.macs = dict(forward_macs=0, input_gradient_macs=0, weight_gradient_macs=0)
        self.by_node = {}

    def module(self, args):
        for a in args:
            if isinstance(a, torch.Tensor) and a.untyped_storage().data_ptr() in self.module_of:
                return self.module_of[a.untyped_storage().data_ptr()]
        return None

    def add(self, key, flops, node):
        assert flops % 2 == 0
        self.macs[key] += flops // 2
        row = self.by_node.setdefault(node, dict(forward_macs=0, input_gradient_macs=0, weight_gradient_macs=0))
        row[key] += flops // 2


def conv_backward_corrected(split):
    from torch.utils.flop_counter import conv_flop_count

    def t(shape):
        return [shape[1], shape[0]] + list(shape[2:])

    def formula(grad_out, x, w, _bias, _stride, _padding, _dilation, transposed, _output_padding, groups,
                output_mask, out_val=None, **_):
        assert not transposed
        node = split.module([w])
        total = 0
        if output_mask[0]:
            # torch's own formula: a transposed convolution over the weight (Cin/groups already in its shape).
            flops = conv_flop_count(grad_out.shape, w.shape, out_val[0].shape, True)
            split.add("input_gradient_macs", flops, node)
            total += flops
        if output_mask[1]:
            # torch's formula, conv(x^T, grad_out^T), puts grad_out (Cout x N) in the place of the weight and so
            # counts Cin input channels per output channel instead of Cin/groups: divide by groups.
            flops = conv_flop_count(t(x.shape), t(grad_out.shape), t(out_val[1].shape), transposed=False)
            assert flops % groups == 0
            flops //= groups
            split.add("weight_gradient_macs", flops, node)
            total += flops
        return total

    formula._get_raw = True
    return formula


def recording(split, op, torch_formula):
    """Wraps torch's formula for a forward op or a backward matrix product, recording its category."""

    def formula(*args, out_val=None, **kwargs):
        flops = torch_formula(*args, out_val=out_val, **kwargs)
        node = split.module(args)
        if not split.backward:
            split.add("forward_macs", flops, node)
        elif op in (aten.mm, aten.addmm):
            if node is not None:
                split.add("input_gradient_macs", flops, node)
            else:
                split.add("weight_gradient_macs", flops, split.linear)
        else:
            raise AssertionError(f"unexpected {op} in backward")
        return flops

    formula._get_raw = True
    return formula


def step(model, clip, labels, mode, split=None, slowfast=False):
    with mode:
        output = model([clip]) if slowfast else model(clip)
        output = output.reshape(output.shape[0], -1)
        loss = nn.functional.cross_entropy(output, labels)
        if split is not None:
            split.backward = True
        loss.backward()
    return mode.get_total_flops()


def slowfast_name(impl):
    """The SlowFast module path of a module name (pytorchvideo's converted with tools/convert_checkpoint.py)."""
    if impl != "pytorchvideo":
        return lambda name: name
    from convert_checkpoint import pytorchvideo_to_slowfast

    def name(module):
        return pytorchvideo_to_slowfast(module + ".weight")[: -len(".weight")]

    return name


def count(impl, build, T, S, w, d, b, K, N):
    from torch.utils.flop_counter import flop_registry

    torch.manual_seed(0)
    model = build(T, S, w, d, b, K).train()
    clip = torch.randn(N, 3, T, S, S)
    labels = torch.randint(0, K, (N,))
    slowfast = impl != "pytorchvideo"
    plain = step(model, clip, labels, FlopCounterMode(display=False), slowfast=slowfast)
    model.zero_grad(set_to_none=True)
    split = Split(model, slowfast_name(impl))
    mapping = {op: recording(split, op, flop_registry[op]) for op in (aten.convolution, aten.addmm, aten.mm, aten.bmm)}
    mapping[aten.convolution_backward] = conv_backward_corrected(split)
    corrected = step(model, clip, labels, FlopCounterMode(display=False, custom_mapping=mapping), split, slowfast)
    assert corrected == 2 * sum(split.macs.values()), (corrected, split.macs)
    return {
        "frames": T, "crop": S, "width_factor": w, "depth_factor": d, "bottleneck_factor": b, "classes": K,
        "batch": N, **split.macs, "corrected_total_flops": int(corrected), "flop_counter_total_flops": int(plain),
        "by_node": split.by_node,
    }


def configurations():
    rng = random.Random(SEED)
    configs = []
    for _ in range(N_RANDOM):
        configs.append((rng.randint(1, 4), rng.randint(32, 96), round(rng.uniform(0.5, 2.5), 2),
                        round(rng.uniform(0.4, 2.2), 2), round(rng.uniform(1.0, 3.0), 2), rng.choice(CLASSES),
                        rng.randint(1, 3)))
    return configs


def main():
    sf_build, commit = slowfast_builder()
    builders = {
        "pytorchvideo": lambda T, S, w, d, b, K: create_x3d(
            input_clip_length=T, input_crop_size=S, model_num_class=K, width_factor=w, depth_factor=d,
            bottleneck_factor=b, head_dim_out=2048),
        "slowfast": lambda T, S, w, d, b, K: sf_build(T, S, w, d, b, K, paper=False),
        "paper": lambda T, S, w, d, b, K: sf_build(T, S, w, d, b, K, paper=True),
    }
    cases = []
    for impl, build in builders.items():
        configs = configurations()
        if impl == "pytorchvideo":
            configs.append((4, 160, 2.0, 2.2, 2.25, 400, 1))  # X3D-XS
        for T, S, w, d, b, K, N in configs:
            case = {"impl": impl, **count(impl, build, T, S, w, d, b, K, N)}
            cases.append(case)
            total = case["forward_macs"] + case["input_gradient_macs"] + case["weight_gradient_macs"]
            print(f"{impl:12s} T={T} S={S:3d} w={w:<4} d={d:<4} b={b:<4} K={K:3d} N={N}: forward "
                  f"{case['forward_macs']:,} training {total:,} MACs; FlopCounterMode uncorrected "
                  f"{case['flop_counter_total_flops'] / 2 / total:.2f}x", flush=True)
    doc = {
        "format": "x3d-training-flops", "version": 1, "regenerate": REGENERATE, "torch": torch.__version__,
        "pytorchvideo": pytorchvideo.__version__, "slowfast_commit": commit,
        "notes": ("One train() step (forward, cross-entropy, backward) under FlopCounterMode, with "
                  "aten.convolution_backward's weight-gradient count divided by groups (torch counts it as if "
                  "groups were 1). Multiply-adds = FLOPs / 2."),
        "cases": cases,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
