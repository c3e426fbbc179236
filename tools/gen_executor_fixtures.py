"""Generate Tests/Fixtures/executor/: golden forward passes of pytorchvideo's X3D for the reference executor.

Regenerate (from the repository root):

    python tools/gen_executor_fixtures.py

(venv: torch, pytorchvideo 0.1.5, safetensors, numpy; CPU, a few seconds.)

Each case builds pytorchvideo.models.x3d.create_x3d(input_clip_length=T, input_crop_size=S, model_num_class=K,
width_factor=w, depth_factor=d, bottleneck_factor=b) (all else default), seeded with torch.manual_seed(seed), then
randomises what the default initialisation leaves trivial, so BatchNorm is not the identity:
  BatchNorm3d: weight U(0.5, 1.5), bias U(-0.2, 0.2), running_mean U(-0.2, 0.2), running_var U(0.5, 1.5);
  every bias (SE convs, projection): U(-0.1, 0.1).
It runs torch.randn(N, 3, T, S_run, S_run) through the model in eval mode (S_run is the test crop when given) and
writes, in Tests/Fixtures/executor/<case>/:
  weights.safetensors  the state dict (float32; num_batches_tracked kept), under pytorchvideo or SlowFast names;
  input.npy            the clip, float32;
  golden.safetensors   outputs keyed by the executor's node paths: the stem (s1.pathway0_stem.relu), the last block
                       of each stage (sK.pathway0_resJ.relu), head.lin_5_relu, head.projection (permuted back to
                       (N, K, T, H, W)), head.mean (the model's output) and "logits" (projection averaged over
                       positions); its __metadata__ holds the header: format "x3d-executor-golden", version, case.
and Tests/Fixtures/executor/cases.json, the manifest (same header, every case's configuration).
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
from safetensors.torch import save_file  # noqa: E402

from convert_checkpoint import convert  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "executor")
FORMAT = "x3d-executor-golden"
VERSION = 1
REGENERATE = "python tools/gen_executor_fixtures.py"

# name, T, crop, test crop, width, depth, bottleneck, classes, batch, naming, seed
CASES = [
    ("t4_crop64", 4, 64, None, 1.0, 0.5, 0.5, 10, 1, "pytorchvideo", 1),
    ("odd_crop72", 2, 72, None, 2.0, 0.3, 0.25, 7, 1, "slowfast", 2),
    ("t1_depth1", 1, 48, None, 1.0, 1.0, 0.25, 5, 1, "pytorchvideo", 3),
    ("width1_3", 3, 40, None, 1.3, 0.3, 0.25, 4, 1, "slowfast", 4),
    ("test_crop56_batch2", 2, 32, 56, 1.0, 0.5, 0.5, 6, 2, "pytorchvideo", 5),
]


def randomise(model):
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm3d):
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.2, 0.2)
            module.running_mean.uniform_(-0.2, 0.2)
            module.running_var.uniform_(0.5, 1.5)
        elif getattr(module, "bias", None) is not None:
            module.bias.data.uniform_(-0.1, 0.1)


def run_case(name, T, crop, test_crop, width, depth, bottleneck, classes, batch, naming, seed):
    torch.manual_seed(seed)
    model = create_x3d(
        input_clip_length=T, input_crop_size=crop, model_num_class=classes, width_factor=width,
        depth_factor=depth, bottleneck_factor=bottleneck)
    randomise(model)
    model.eval()
    size = test_crop or crop
    clip = torch.randn(batch, 3, T, size, size)

    captured = {}

    def keep(key, permute=False):
        def hook(_module, _inputs, output):
            captured[key] = (output.permute(0, 4, 1, 2, 3) if permute else output).detach().clone().contiguous()
        return hook

    model.blocks[0].register_forward_hook(keep("s1.pathway0_stem.relu"))
    for stage in range(1, 5):
        blocks = model.blocks[stage].res_blocks
        blocks[-1].register_forward_hook(keep(f"s{stage + 1}.pathway0_res{len(blocks) - 1}.relu"))
    model.blocks[5].pool.register_forward_hook(keep("head.lin_5_relu"))
    model.blocks[5].proj.register_forward_hook(keep("head.projection", permute=True))
    with torch.inference_mode():
        output = model(clip)
    captured["head.mean"] = output.contiguous()
    captured["logits"] = captured["head.projection"].mean(dim=(2, 3, 4)).contiguous()

    config = dict(
        name=name, frames=T, crop=crop, test_crop=test_crop, width_factor=width, depth_factor=depth,
        bottleneck_factor=bottleneck, classes=classes, batch=batch, naming=naming, seed=seed)
    header = dict(format=FORMAT, version=str(VERSION), case=json.dumps(config), torch=torch.__version__,
                  pytorchvideo=pytorchvideo.__version__, regenerate=REGENERATE)
    directory = os.path.join(OUT, name)
    os.makedirs(directory, exist_ok=True)
    save_file(convert(model.state_dict(), slowfast_names=naming == "slowfast"),
              os.path.join(directory, "weights.safetensors"), metadata={"format": FORMAT, "version": str(VERSION)})
    np.save(os.path.join(directory, "input.npy"), clip.numpy().astype("<f4"))
    save_file(captured, os.path.join(directory, "golden.safetensors"), metadata=header)
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
