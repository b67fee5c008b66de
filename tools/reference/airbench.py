#!/usr/bin/env python3
"""airbench94 end to end on the CPU: Keller Jordan's legacy/airbench94.py, imported from a checkout, at a reduced scale.

The original's module (KellerJordan/cifar10-airbench, legacy/airbench94.py) is imported from the checkout given with
--src; nothing of it is copied here. Its main() runs as written — make_net, the whitening init, CifarLoader with its
alternating flip and translation, the lookahead, the LambdaLR schedule, the TTA — with these shims, each stated:
- CUDA → CPU: .cuda() is the identity, torch.load maps to the CPU, the CUDA events time with perf_counter;
- fp16 → fp32: the CPU has no fp16 convolution, so .half() keeps float32 (Runner's CPU runs are fp32 too);
- the whitening's sum in float64 (get_patches returns float64): the float32 sum of the shared JPEG-derived copy's
  patches gives eigenvalues below −5e-4, so the original's filters are NaN on the CPU (docs/recipe.md, "airbench94");
- each eigenvector's sign as Runner fixes it (largest component positive): eigh leaves it to the LAPACK build, and
  below full width it changes accuracy by points (docs/recipe.md, "airbench94", Numerics);
- hyp: widths × --width, --epochs, --batch-size; the data: the first --train training and --test test images of
  the shared copy, written where CifarLoader reads them.
Each run seeds torch with its seed and prints one JSON line: seed, val_acc (plain) and tta_val_acc (level 2).
Only the last epoch's test pass and the final TTA are computed (the table shows nan for the others): an evaluation
draws no random numbers and changes nothing in the network, so training is the same, in about 40% less time.
"""
import argparse
import importlib.util
import json
import math
import os
import sys
import tarfile
import tempfile
import time

import numpy as np
import torch
from torch import nn


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--src", required=True, help="a checkout of KellerJordan/cifar10-airbench")
    p.add_argument("--data", required=True, help="cifar-10-binary.tar.gz (the shared JPEG-derived copy)")
    p.add_argument("--train", type=int, default=5000, help="the first N training images")
    p.add_argument("--test", type=int, default=10000, help="the first N test images")
    p.add_argument("--width", type=float, default=0.125, help="multiplies the widths 64/256/256")
    p.add_argument("--epochs", type=float, default=3.5)
    p.add_argument("--batch-size", type=int, default=250)
    p.add_argument("--seeds", type=int, nargs="+", default=[1])
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    return p.parse_args()


def write_cifar(archive, n_train, n_test, folder):
    """train.pt and test.pt as CifarLoader reads them: uint8 N×32×32×3 images and int64 labels."""
    with tarfile.open(archive) as tar:
        members = {m.name.rsplit("/", 1)[-1]: m for m in tar.getmembers()}

        def records(names, n):
            raw = np.concatenate([np.frombuffer(tar.extractfile(members[name]).read(), np.uint8).reshape(-1, 3073) for name in names])[:n]
            images = torch.tensor(raw[:, 1:].reshape(n, 3, 32, 32).transpose(0, 2, 3, 1).copy())
            return {"images": images, "labels": torch.tensor(raw[:, 0].astype(np.int64)), "classes": list(range(10))}

        torch.save(records([f"data_batch_{i}.bin" for i in range(1, 6)], n_train), os.path.join(folder, "train.pt"))
        torch.save(records(["test_batch.bin"], n_test), os.path.join(folder, "test.pt"))


class CpuEvent:
    """torch.cuda.Event's timing, on the CPU clock."""

    def __init__(self, **_):
        self.t = None

    def record(self):
        self.t = time.perf_counter()

    def elapsed_time(self, end):
        return (end.t - self.t) * 1e3


def load_original(src):
    torch.Tensor.cuda = lambda self, *a, **k: self
    nn.Module.cuda = lambda self, *a, **k: self
    torch.Tensor.half = lambda self, *a, **k: self
    nn.Module.half = lambda self, *a, **k: self
    torch.cuda.Event = CpuEvent
    torch.cuda.synchronize = lambda *a, **k: None
    load = torch.load
    torch.load = lambda f, map_location=None, **k: load(f, map_location="cpu", **k)
    spec = importlib.util.spec_from_file_location("airbench94", os.path.join(src, "legacy", "airbench94.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    get_patches = module.get_patches
    module.get_patches = lambda x, patch_shape: get_patches(x, patch_shape).double()
    get_whitening_parameters = module.get_whitening_parameters

    def signed(patches):
        values, vectors = get_whitening_parameters(patches)
        flat = vectors.reshape(len(vectors), -1)
        sign = flat.gather(1, flat.abs().argmax(1, keepdim=True)).sign()
        return values, vectors * sign.view(-1, 1, 1, 1)

    module.get_whitening_parameters = signed
    return module


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    original = load_original(os.path.abspath(args.src))
    widths = original.hyp["net"]["widths"]
    for block in widths:
        widths[block] = max(1, round(widths[block] * args.width))
    original.hyp["opt"]["train_epochs"] = args.epochs
    original.hyp["opt"]["batch_size"] = args.batch_size
    with tempfile.TemporaryDirectory() as work:
        os.makedirs(os.path.join(work, "cifar10"))
        write_cifar(args.data, args.train, args.test, os.path.join(work, "cifar10"))
        os.chdir(work)  # CifarLoader reads cifar10/train.pt relative to the working directory
        for seed in args.seeds:
            torch.manual_seed(seed)
            evaluate = original.evaluate
            plain = []
            original.evaluate = lambda model, loader, tta_level=0: plain.append(
                evaluate(model, loader, tta_level) if len(plain) >= math.ceil(args.epochs) - 1 else math.nan) or plain[-1]
            started = time.perf_counter()
            tta = original.main(seed)
            original.evaluate = evaluate
            print(json.dumps({"seed": seed, "val_acc": plain[-2], "tta_val_acc": tta, "seconds": round(time.perf_counter() - started, 1),
                              "hyp": original.hyp, "train": args.train, "test": args.test, "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
