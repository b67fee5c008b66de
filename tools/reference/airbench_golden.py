#!/usr/bin/env python3
"""A golden trajectory of airbench94's training, for Runner's conformance tests (Runner.Tests/Training/Conformance).

The original's main() (legacy/airbench94.py, imported from the checkout given with --src by airbench.py's
load_original, with the same CPU shims and the same whitening rule) runs as written on a short deterministic
trajectory in fp32 on the CPU, one thread. Nothing of its code is copied: hooks around its own functions record
what the tests compare (tools/reference/README.md, "airbench94's golden trajectory"):
- make_net: the network as built (before whitening: the state the lookahead's average starts from);
- init_whitening_conv: the whitening filters it sets;
- batch_flip_lr, batch_crop, torch.randperm: each epoch's choices, read from probe tensors drawn with the same random
  state, so the batches can be rebuilt from the images and are checked against the ones the network received;
- torch.optim.SGD and nn.CrossEntropyLoss: step 1's gradients, the momentum buffers, every step's summed loss;
- LookaheadState: its average before the step that pulls;
- infer: the final TTA logits and the state they come from.
"""
import argparse
import datetime
import hashlib
import json
import os
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from airbench import load_original, write_cifar
from golden import noise, perturbed, relative, sha256

# Runner's side of the trajectory: the preset with the overrides a user would give (Variant re-derives the one-cycle
# schedule for 21 steps). 3,072 images (the cifar10-fast trajectories' images) in batches of 512 give 6 steps an
# epoch; 3.5 epochs cut the last short (21 steps), the lookahead pulls at steps 5, 10, 15 and 20 and reverts at 21,
# and the whitening bias trains for 2 epochs so that it is frozen for the last two.
RUNNER = {"preset": "airbench94", "overrides": {"width": 0.125, "epochs": 3.5, "batchSize": 512, "trainSubset": 3072,
                                                "whiteningBiasEpochs": 2, "precision": "fp32"}}
TRAIN_IMAGES, TEST_IMAGES, SEED = 3072, 1000, 1
RESUME = 20  # the check that starts from the original's state: before the lookahead's last pull and the revert


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--src", required=True, help="a checkout of KellerJordan/cifar10-airbench")
    p.add_argument("--data", required=True, help="cifar-10-binary.tar.gz (the shared JPEG-derived copy)")
    p.add_argument("--out", required=True, help="folder for manifest.json and airbench94.npz")
    return p.parse_args()


def configure(original):
    o = RUNNER["overrides"]
    widths = original.hyp["net"]["widths"]
    for block in widths:
        widths[block] = max(1, round(widths[block] * o["width"]))
    original.hyp["opt"].update(train_epochs=o["epochs"], batch_size=o["batchSize"], whiten_bias_epochs=o["whiteningBiasEpochs"])


class Recorder:
    """Hooks around the original's functions for one call of main(); uninstall() puts every one back."""

    def __init__(self, original, perturb):
        self.original, self.perturb = original, perturb
        self.rec = {"losses": [], "plain": []}
        self.inputs, self.flips, self.shifts, self.orders = [], None, [], []
        self.net = self.optimizer = self.lookahead = None
        self.saved = []

    def patch(self, owner, name, value):
        self.saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    def uninstall(self):
        for owner, name, value in reversed(self.saved):
            setattr(owner, name, value)

    def names(self):
        return {id(p): k for k, p in self.net.named_parameters()}

    def state(self):
        return {k: v.detach().clone() for k, v in self.net.state_dict().items()}

    def install(self):
        o, r = self.original, self
        make_net, init_whitening_conv, infer = o.make_net, o.init_whitening_conv, o.infer
        flip_lr, crop, randperm = o.batch_flip_lr, o.batch_crop, torch.randperm

        def recorded_make_net():
            net = make_net()
            if r.perturb:
                perturbed(net, SEED)
            r.net, r.rec["init"] = net, {k: v.clone() for k, v in net.state_dict().items()}
            net.register_forward_pre_hook(lambda module, args: r.before_forward(module, args[0]))
            net.register_forward_hook(lambda module, args, out: r.after_forward(module, out))
            return net

        def recorded_whitening(layer, train_set, **kw):
            init_whitening_conv(layer, train_set, **kw)
            r.rec["whitening/filters"] = layer.weight.detach().clone()

        def probed(draw, probe, real):
            """The draw on a probe tensor, then on the real one from the same random state: the same choices."""
            state = torch.get_rng_state()
            seen = draw(probe)
            torch.set_rng_state(state)
            return seen, draw(real)

        def recorded_flip(inputs):
            n, _, _, w = inputs.shape
            seen, out = probed(flip_lr, torch.arange(w, dtype=torch.float32).expand(n, 3, 1, w).contiguous(), inputs)
            r.flips = seen[:, 0, 0, 0] == w - 1
            return out

        def recorded_crop(images, crop_size):
            n, _, h, w = images.shape
            probe = torch.stack([torch.arange(h, dtype=torch.float32)[:, None].expand(h, w),
                                 torch.arange(w, dtype=torch.float32)[None, :].expand(h, w),
                                 torch.zeros(h, w)]).expand(n, 3, h, w).contiguous()
            seen, out = probed(lambda x: crop(x, crop_size), probe, images)
            pad = (h - crop_size) // 2
            r.shifts.append(torch.stack([seen[:, 0, 0, 0], seen[:, 1, 0, 0]], 1).long() - pad)
            return out

        def recorded_randperm(n, **kw):
            order = randperm(n, **kw)
            r.orders.append(order.clone())
            return order

        def recorded_infer(model, loader, tta_level=0):
            logits = infer(model, loader, tta_level)
            if tta_level == 0:
                r.rec["plain"].append(float((logits.argmax(1) == loader.labels).float().mean()))
            else:
                r.rec["final/state"] = r.state()
                r.rec["eval/logits"] = logits.detach().clone()
                r.rec["eval/accuracy"] = float((logits.argmax(1) == loader.labels).float().mean())
            return logits

        class RecordingSGD(torch.optim.SGD):
            def __init__(self, *a, **k):
                super().__init__(*a, **k)
                r.optimizer = self

            def step(self, *a, **k):
                if len(r.rec["losses"]) == 1:
                    names = r.names()
                    r.rec["step1/grad"] = {names[id(p)]: p.grad.clone() for g in self.param_groups for p in g["params"] if p.grad is not None}
                return super().step(*a, **k)

        class RecordingLoss(nn.CrossEntropyLoss):
            def forward(self, logits, labels):
                out = super().forward(logits, labels)
                r.rec["losses"].append(float(out.sum()))
                if len(r.rec["losses"]) == 1:
                    r.rec["step1/loss"] = out.sum().detach().clone()
                return out

        class RecordingLookahead(o.LookaheadState):
            def __init__(self, net):
                super().__init__(net)
                r.lookahead = self

        self.patch(o, "make_net", recorded_make_net)
        self.patch(o, "init_whitening_conv", recorded_whitening)
        self.patch(o, "batch_flip_lr", recorded_flip)
        self.patch(o, "batch_crop", recorded_crop)
        self.patch(o, "infer", recorded_infer)
        self.patch(o, "LookaheadState", RecordingLookahead)
        self.patch(torch, "randperm", recorded_randperm)
        self.patch(torch.optim, "SGD", RecordingSGD)
        self.patch(o.nn, "CrossEntropyLoss", RecordingLoss)

    def before_forward(self, module, x):
        if not module.training:
            return
        step = len(self.inputs) + 1  # the step about to run, from 1
        self.inputs.append(x.detach().clone())
        if step == 2:
            self.rec["step1/state"] = self.state()
        if step == RESUME:
            names = self.names()
            self.rec["resume/state"] = self.state()
            self.rec["resume/velocity"] = {names[id(p)]: s["momentum_buffer"].clone() for p, s in self.optimizer.state.items() if "momentum_buffer" in s}
            self.rec["resume/lookahead"] = {k: v.clone() for k, v in self.lookahead.net_ema.items()}
        if step == RESUME + 1:
            self.rec["pulled/state"] = self.state()

    def after_forward(self, module, out):
        if module.training and len(self.inputs) == 1 and "step1/logits" not in self.rec:
            self.rec["step1/logits"] = out.detach().clone()


def batches(r, padded, batch_size, steps):
    """Every step's batch as (source, row shift, column shift, flip) per example, the shifts in the un-flipped padded
    image: the original crops a copy flipped in its first epoch, and the crop of a flipped image is the flipped crop
    at the mirrored column shift. Each batch rebuilt from the images must be the one the network received."""
    out = []
    for epoch, (shifts, order) in enumerate(zip(r.shifts, r.orders)):
        for b in range(len(order) // batch_size):
            if len(out) == steps:
                break
            idx = order[b * batch_size:(b + 1) * batch_size]
            flip = r.flips[idx] ^ (epoch % 2 == 1)
            dx = torch.where(r.flips[idx], -shifts[idx, 1], shifts[idx, 1])
            out.append(torch.stack([idx, shifts[idx, 0], dx, flip.long()], 1))
    pad = (padded.shape[-1] - 32) // 2
    for step, (choice, x) in enumerate(zip(out, r.inputs)):
        rebuilt = torch.stack([padded[s, :, pad + dy:pad + dy + 32, pad + dx:pad + dx + 32].flip(-1) if f else
                               padded[s, :, pad + dy:pad + dy + 32, pad + dx:pad + dx + 32] for s, dy, dx, f in choice.tolist()])
        assert torch.equal(rebuilt, x), f"step {step + 1}: the recorded choices do not rebuild the original's batch"
    return torch.stack(out)


def run(original, perturb=False, threads=1):
    torch.set_num_threads(threads)
    torch.manual_seed(SEED)
    r = Recorder(original, perturb)
    r.install()
    try:
        original.main(SEED)
    finally:
        r.uninstall()
    return r


# What the file keeps (tools/reference/README.md): states by the original's parameter names.
STORED = ("init", "step1/grad", "step1/state", "resume/state", "resume/velocity", "resume/lookahead", "pulled/state", "final/state")


def main():
    args = parse_args()
    torch.set_num_threads(1)
    original = load_original(os.path.abspath(args.src))
    configure(original)
    batch_size = original.hyp["opt"]["batch_size"]
    with tempfile.TemporaryDirectory() as work:
        os.makedirs(os.path.join(work, "cifar10"))
        write_cifar(args.data, TRAIN_IMAGES, TEST_IMAGES, os.path.join(work, "cifar10"))
        here = os.getcwd()
        os.chdir(work)
        train = torch.load("cifar10/train.pt")
        test = torch.load("cifar10/test.pt")
        loader = original.CifarLoader("cifar10", train=True, batch_size=batch_size)
        normalised = loader.normalize(loader.images)
        padded = F.pad(normalised, (2,) * 4, "reflect")
        test_normalised = loader.normalize(original.CifarLoader("cifar10", train=False).images)
        recorder = run(original)
        others = {"ulp": run(original, perturb=True).rec, "threads": run(original, threads=2).rec}
        os.chdir(here)
    torch.set_num_threads(1)
    rec = recorder.rec
    steps = len(rec["losses"])
    choices = batches(recorder, padded, batch_size, steps)
    patches = original.get_patches(normalised[:5000], (2, 2))
    float32_values = torch.linalg.eigvalsh((lambda p: p.T @ p / len(p))(patches.float().view(len(patches), -1)))

    arrays = {"losses": np.array(rec["losses"], np.float64), "augmentation": choices.numpy().astype(np.int16),
              "eval/logits": rec["eval/logits"].numpy(), "step1/logits": rec["step1/logits"].numpy(),
              "step1/loss": rec["step1/loss"].numpy(), "whitening/filters": rec["whitening/filters"].numpy()}
    for prefix in STORED:
        for k, v in rec[prefix].items():
            if v.is_floating_point():
                arrays[f"{prefix}/{k}"] = v.numpy()
    os.makedirs(args.out, exist_ok=True)
    np.savez_compressed(os.path.join(args.out, "airbench94.npz"), **arrays)
    commit = os.popen(f"git -C {args.src} rev-parse HEAD").read().strip() or "unknown"
    manifest = {
        "source": {"repository": "KellerJordan/cifar10-airbench", "commit": commit, "modules": ["legacy/airbench94.py"]},
        "torch": torch.__version__, "numpy": np.__version__, "python": sys.version.split()[0],
        "date": datetime.date.today().isoformat(),
        "command": "python3 tools/reference/airbench_golden.py --src CIFAR10_AIRBENCH --data cifar-10-binary.tar.gz --out Runner.Tests/Golden/airbench94",
        "seed": SEED,
        "data": {"archiveSha256": hashlib.sha256(open(args.data, "rb").read()).hexdigest(),
                 "trainImages": TRAIN_IMAGES, "testImages": TEST_IMAGES, "padding": 2,
                 "trainImagesSha256": sha256(train["images"].permute(0, 3, 1, 2).numpy()),
                 "testImagesSha256": sha256(test["images"].permute(0, 3, 1, 2).numpy()),
                 "paddedSha256": sha256(padded.numpy()), "testSha256": sha256(test_normalised.numpy())},
        "trajectories": {"airbench94": {
            **RUNNER, "stored": list(STORED), "steps": steps, "stepsPerEpoch": TRAIN_IMAGES // batch_size, "resumeAt": RESUME,
            "hyp": original.hyp, "plainAccuracyByEpoch": rec["plain"], "evalAccuracy": rec["eval/accuracy"],
            "whitening": {"rule": "float64 sum of the 2×2 patches' outer products ÷ n, each eigenvector's largest component positive (airbench.py's shims)",
                          "float32SumSmallestEigenvalue": float(float32_values.min()),
                          "float64SumSmallestEigenvalue": float(torch.linalg.eigvalsh((lambda p: p.T @ p / len(p))(patches.double().view(len(patches), -1))).min())},
            "noise": noise(rec, others),
        }},
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(f"airbench94: {steps} steps, loss {rec['losses'][0]:.4f} → {rec['losses'][-1]:.4f}, TTA accuracy {rec['eval/accuracy']:.4f}; "
          f"noise: step-1 gradients {manifest['trajectories']['airbench94']['noise']['step1GradRelative']:.2e}, final state "
          f"{manifest['trajectories']['airbench94']['noise']['finalStateRelative']:.2e}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
