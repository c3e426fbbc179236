"""Generate Tests/Fixtures/training/: golden training-step gradients of pytorchvideo's X3D for the reference
executor's backward pass.

Regenerate (from the repository root):

    python tools/gen_training_fixtures.py

(venv: torch, pytorchvideo 0.1.5, safetensors, numpy; CPU, a few seconds.)

Each case builds pytorchvideo.models.x3d.create_x3d(input_clip_length=T, input_crop_size=S, model_num_class=K,
width_factor=w, depth_factor=d, bottleneck_factor=b) (all else default), seeded with torch.manual_seed(seed), and
randomises BatchNorm (weight U(0.5, 1.5), bias U(-0.2, 0.2), running_mean U(-0.2, 0.2), running_var U(0.5, 1.5))
and every other bias (U(-0.1, 0.1)) exactly as tools/gen_executor_fixtures.py does. The state dict is saved before
the step. The model is put in train() mode (BatchNorm normalises with batch statistics) with the head's dropout
replaced by the identity (the executor has no random masks), and one step runs on clip = torch.randn(N, 3, T, S, S) (S: the run crop where a case gives one, the head's pool
still sized for the train crop)
and labels = torch.randint(0, K, (N,)), in float64 (the model and the clip cast with .double(), so the golden values
carry no float32 rounding of their own; the gradients are stored rounded to float32):

    loss = nll_loss(log(model(clip)), labels)      # model(clip): softmax at each position, then the mean
    loss.backward()

Written in Tests/Fixtures/training/<case>/:
  weights.safetensors    the state dict (float32, pytorchvideo names), before the step;
  input.npy              the clip, float32;
  gradients.safetensors  every parameter's .grad under its state-dict name, and "input" (clip.grad); its
                         __metadata__ holds format "x3d-training-golden", version, the case and the loss;
and Tests/Fixtures/training/cases.json, the manifest (same header; each case's configuration, labels and loss).
"""
import json
import os
import sys
import warnings

import numpy as np
import torch

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorchvideo  # noqa: E402
from pytorchvideo.models.x3d import create_x3d  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

from convert_checkpoint import convert  # noqa: E402
from gen_executor_fixtures import randomise  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "training")
FORMAT = "x3d-training-golden"
VERSION = 1
REGENERATE = "python tools/gen_training_fixtures.py"

# name, T, crop, width, depth, bottleneck, classes, batch, seed[, run crop]
CASES = [
    ("t2_crop32", 2, 32, 0.5, 0.3, 0.25, 3, 2, 11),
    ("t1_crop48_batch3", 1, 48, 0.75, 0.4, 0.25, 4, 3, 13),
    ("t4_crop32_depth1", 4, 32, 0.5, 1.0, 0.25, 6, 2, 14),
    ("t2_crop37", 2, 37, 0.6, 0.3, 0.25, 7, 2, 15),
    # Run at crop 64 with the head pool sized for 32: 2x2 window positions overlap, and the softmax and the mean
    # over positions see four positions.
    ("t1_crop32_run64", 1, 32, 0.5, 0.3, 0.25, 4, 2, 16, 64),
]


def run_case(name, T, crop, width, depth, bottleneck, classes, batch, seed, run_crop=None):
    torch.manual_seed(seed)
    model = create_x3d(
        input_clip_length=T, input_crop_size=crop, model_num_class=classes, width_factor=width,
        depth_factor=depth, bottleneck_factor=bottleneck)
    randomise(model)
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.blocks[5].dropout = torch.nn.Identity()
    model.train().double()
    size = run_crop or crop
    clip = torch.randn(batch, 3, T, size, size)
    labels = torch.randint(0, classes, (batch,))
    leaf = clip.double().requires_grad_(True)
    loss = torch.nn.functional.nll_loss(torch.log(model(leaf)), labels)
    loss.backward()

    gradients = {k: p.grad.detach().float().contiguous() for k, p in model.named_parameters()}
    gradients["input"] = leaf.grad.detach().float().contiguous()
    config = dict(name=name, frames=T, crop=crop, test_crop=run_crop, width_factor=width, depth_factor=depth,
                  bottleneck_factor=bottleneck, classes=classes, batch=batch, seed=seed,
                  labels=[int(x) for x in labels], loss=float(loss))
    header = dict(format=FORMAT, version=str(VERSION), case=json.dumps(config), torch=torch.__version__,
                  pytorchvideo=pytorchvideo.__version__, regenerate=REGENERATE)
    directory = os.path.join(OUT, name)
    os.makedirs(directory, exist_ok=True)
    save_file(convert(state, slowfast_names=False), os.path.join(directory, "weights.safetensors"),
              metadata={"format": FORMAT, "version": str(VERSION)})
    np.save(os.path.join(directory, "input.npy"), clip.numpy().astype("<f4"))
    save_file(gradients, os.path.join(directory, "gradients.safetensors"), metadata=header)
    return config


def main():
    configs = [run_case(*case) for case in CASES]
    manifest = dict(format=FORMAT, version=VERSION, regenerate=REGENERATE, torch=torch.__version__,
                    pytorchvideo=pytorchvideo.__version__, cases=configs)
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(OUT) for f in fs)
    print(f"{len(configs)} cases, {total / 1e6:.2f} MB in {OUT}")


if __name__ == "__main__":
    main()
