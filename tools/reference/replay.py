#!/usr/bin/env python3
"""The original's final stage at the end-to-end settings (golden.py --train), recorded as a golden trajectory: its initial
parameters, every batch's crop and flip (decoded as golden.py decodes them), every step's loss, its TTA logits on all
10,000 test images. Runner's conformance engine (ConformanceChecks.Run) replays it from the same start and batches, so
a difference in accuracy between the engines is a difference in computation, not in random streams
(docs/benchmarks.md, "The end-to-end gap, replayed").

    /usr/bin/python3 tools/reference/replay.py --src /tmp/cifar10-fast \
        --data ../shared/data/cifar10-jpeg75/cifar-10-binary.tar.gz --out /tmp/replay/seed1 --seed 1

Whitening from the float64 sum (Runner's rule, as the golden trajectories), EMA statistics of split 0 (the
original's), two threads; about 15 minutes and 8 GB on 2 cores at the defaults. The folder is not committed (the
augmentation of 485 steps alone is 12 MB).
"""
import argparse
import datetime
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden  # noqa: E402  (the same folder)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--src", required=True, help="a checkout of davidcpage/cifar10-fast")
    p.add_argument("--data", required=True, help="cifar-10-binary.tar.gz (the shared JPEG-derived copy)")
    p.add_argument("--out", required=True, help="folder for manifest.json and final.npz")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--train", type=int, default=50000)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--width", type=float, default=0.25)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    golden.SEED = a.seed
    torch.set_num_threads(a.threads)
    original = golden.Original(a.src)
    recipe = golden.end_to_end_recipe(a.train, a.epochs, a.width)
    (train_images, train_labels), (test_images, test_labels) = golden.load_cifar(a.data, a.train, 10_000)
    train_set = original.preprocess(train_images, train_labels, pad=True)
    valid_set = original.preprocess(test_images, test_labels, pad=False)
    batches = golden.make_batches(original, recipe, train_set["data"], train_set["targets"])
    eigens = golden.whitening_eigens(original, train_set["data"], recipe, torch.float64)
    rec = golden.train(original, recipe, batches, valid_set,
                       original.tb.whitening_filter(*eigens, eps=recipe["whiteningEpsilon"]), threads=a.threads)
    os.makedirs(a.out, exist_ok=True)
    arrays = {"losses": np.array(rec["losses"], np.float64), "eval/logits": rec["eval/logits"].numpy(),
              "augmentation": np.stack([q for q, _, _ in batches]).astype(np.int64)}  # image indices pass int16
    arrays.update({f"init/{k}": v.numpy() for k, v in rec["init"].items() if v.is_floating_point()})
    np.savez(os.path.join(a.out, "final.npz"), **arrays)
    manifest = {
        "source": {"repository": "davidcpage/cifar10-fast", "commit": original.commit}, "torch": torch.__version__,
        "date": datetime.date.today().isoformat(), "seed": a.seed,
        "data": {"trainImages": a.train, "testImages": 10_000, "trainImagesSha256": golden.sha256(train_images),
                 "testImagesSha256": golden.sha256(test_images)},
        "trajectories": {"final": {"recipe": recipe, "stored": ["init"], "steps": len(rec["losses"]),
                                   "stepsPerEpoch": a.train // recipe["batchSize"], "epochs": rec["epochs"],
                                   "evalAccuracy": rec["eval/accuracy"], "noise": {"step1GradRelativeByTensor": {}}}},
    }
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(json.dumps({"seed": a.seed, "epochs": rec["epochs"], "ttaAccuracy": rec["eval/accuracy"]}), flush=True)


if __name__ == "__main__":
    main()
