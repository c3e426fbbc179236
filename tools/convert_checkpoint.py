"""Convert a PyTorch X3D checkpoint to .safetensors for `x3d-cost run --weights`.

Usage (from the repository root):

    python tools/convert_checkpoint.py CHECKPOINT.pyth OUT.safetensors [--slowfast-names]

Accepts SlowFast checkpoints (a dict with "model_state"), pytorchvideo hub files and trainer checkpoints
("state_dict" / "model" entries) and plain state dicts. A leading "module." (DataParallel) or "model." prefix is
dropped; floating-point tensors are cast to float32; integer buffers (num_batches_tracked) are kept as they are (the
loader ignores them). With --slowfast-names, pytorchvideo names (blocks.0.conv.conv_t.weight, ...) are rewritten
to SlowFast's (s1.pathway0_stem.conv_xy.weight, ...); the executor reads either scheme.
"""
import argparse
import re
import sys

import torch
from safetensors.torch import save_file

_BLOCK = [  # pytorchvideo residual-block module -> SlowFast module
    ("branch1_conv", "branch1"),
    ("branch1_norm", "branch1_bn"),
    ("branch2.conv_a", "branch2.a"),
    ("branch2.norm_a", "branch2.a_bn"),
    ("branch2.conv_b", "branch2.b"),
    ("branch2.norm_b.0", "branch2.b_bn"),
    ("branch2.norm_b.1.block.0", "branch2.se.fc1"),
    ("branch2.norm_b.1.block.2", "branch2.se.fc2"),
    ("branch2.norm_b", "branch2.b_bn"),
    ("branch2.conv_c", "branch2.c"),
    ("branch2.norm_c", "branch2.c_bn"),
]
_FIXED = {  # stem and head
    "blocks.0.conv.conv_t": "s1.pathway0_stem.conv_xy",  # pytorchvideo's conv_t is the 1x3x3 spatial conv
    "blocks.0.conv.conv_xy": "s1.pathway0_stem.conv",  # and its conv_xy the 5x1x1 temporal one
    "blocks.0.norm": "s1.pathway0_stem.bn",
    "blocks.5.pool.pre_conv": "head.conv_5",
    "blocks.5.pool.pre_norm": "head.conv_5_bn",
    "blocks.5.pool.post_conv": "head.lin_5",
    "blocks.5.proj": "head.projection",
}


def pytorchvideo_to_slowfast(name):
    """blocks.1.res_blocks.0.branch2.conv_a.weight -> s2.pathway0_res0.branch2.a.weight (others unchanged)."""
    module, _, tensor = name.rpartition(".")
    if module in _FIXED:
        return _FIXED[module] + "." + tensor
    match = re.fullmatch(r"blocks\.(\d)\.res_blocks\.(\d+)\.(.+)", module)
    if match:
        stage, block, rest = match.groups()
        for old, new in _BLOCK:
            if rest == old:
                return f"s{int(stage) + 1}.pathway0_res{block}.{new}.{tensor}"
    return name


def load_state_dict(path):
    checkpoint = torch.load(path, map_location="cpu", weights_only=False)
    for key in ("model_state", "state_dict", "model"):
        if isinstance(checkpoint, dict) and key in checkpoint and isinstance(checkpoint[key], dict):
            checkpoint = checkpoint[key]
            break
    if not isinstance(checkpoint, dict):
        sys.exit(f"{path}: no state dict found (expected a dict, or one under model_state/state_dict/model)")
    state = {}
    for name, value in checkpoint.items():
        if not torch.is_tensor(value):
            continue
        for prefix in ("module.", "model."):
            if name.startswith(prefix):
                name = name[len(prefix):]
        state[name] = value.float() if value.is_floating_point() else value
    return state


def convert(state, slowfast_names=False):
    out = {}
    for name, value in state.items():
        out[pytorchvideo_to_slowfast(name) if slowfast_names else name] = value.contiguous()
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint")
    parser.add_argument("output")
    parser.add_argument("--slowfast-names", action="store_true", help="rename pytorchvideo keys to SlowFast's")
    args = parser.parse_args()
    state = convert(load_state_dict(args.checkpoint), args.slowfast_names)
    save_file(state, args.output, metadata={"source": args.checkpoint})
    print(f"{args.output}: {len(state)} tensors")


if __name__ == "__main__":
    main()
