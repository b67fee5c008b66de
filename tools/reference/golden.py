#!/usr/bin/env python3
"""Golden trajectories of cifar10-fast's training, for Runner's conformance tests (Runner.Tests/Training/ConformanceTests.cs).

The original's modules (core.py, torch_backend.py, dawn_utils.py) are imported from a checkout given with --src;
nothing of them is copied here. Every trajectory is the original's own code path: its network builder and layers,
its GPUBatches / Transform augmentation, its loss, its Nesterov optimiser and schedule, its update_ema made anew each
epoch and its train_epoch with validation (which collates ghost batch norm statistics as the original does), in fp32
on the CPU. See tools/reference/README.md for the format and the command that made the committed files.
"""
import argparse
import copy
import datetime
import hashlib
import json
import os
import subprocess
import sys
import tarfile
from functools import partial

import numpy as np

np.float = float  # core.py's log_activations uses np.float, which numpy 1.24 (Debian 12) no longer has

import torch
from torch import nn

# Runner's recipe fields (camelCase, as in its canonical JSON) of each trajectory: width ×1/8 (Runner's narrowest) and
# 3,072 images keep the files small and the tests fast; batch 512 with 16 ghost splits are the recipe's own. Six batches an epoch put
# the last step on an EMA update (batches 0 and 5 of every epoch are due).
COMMON = {
    "width": 1 / 8, "batchSize": 512, "epochs": 4, "weightDecay": 5e-4, "momentum": 0.9, "maxOptions": 200,
    "precision": "fp32", "trainSubset": 3072,
}
TRAJECTORIES = {
    # The DAWNBench baseline: per-example augmentation with cutout 8, conv-BN-ReLU-pool, plain batch norm, cross-entropy.
    "baseline": {**COMMON, "learningRate": {"knots": [0, 1, 4], "values": [0, 0.4, 0]}, "groupAugmentation": False,
                 "cutout": 8, "pool": "after-activation", "activation": "relu", "ghostBatchNormSplits": 1,
                 "frozenBatchNormScales": False, "biasLearningRateScale": 1, "biasWeightDecayScale": 1,
                 "outputScale": 0.125, "whitening": False, "labelSmoothing": 0, "ema": False, "tta": False},
    # The final stage (tta): every trick on; EMA statistics as the original evaluates them (split 0 after one collation).
    "final": {**COMMON, "learningRate": {"knots": [0, 0.8, 2], "values": [0, 1.0, 0.1]}, "groupAugmentation": True,
              "cutout": 0, "pool": "before-batch-norm", "activation": "celu", "celuAlpha": 0.3, "ghostBatchNormSplits": 16,
              "frozenBatchNormScales": True, "biasLearningRateScale": 64, "biasWeightDecayScale": 1 / 64,
              "outputScale": 1 / 16, "whitening": True, "whiteningEpsilon": 1e-2, "whiteningImages": 3072,
              "labelSmoothing": 0.2, "ema": True, "emaMomentum": 0.99, "emaEvery": 5, "emaStatistics": "first-split",
              "tta": True},
}
TEST_IMAGES = 1000
SEED = 1


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--src", required=True, help="a checkout of davidcpage/cifar10-fast")
    p.add_argument("--data", required=True, help="cifar-10-binary.tar.gz (the shared JPEG-derived copy)")
    p.add_argument("--out", help="golden trajectories: folder for manifest.json and one .npz per trajectory")
    p.add_argument("--train", type=int, help="end to end instead: the final stage on the first N training images")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--width", type=float, default=0.25)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--whitening-sum", choices=["float32", "float64"], default="float32",
                   help="the original's float32 sum of the patches' outer products, or float64 (Runner's)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                   help="an end-to-end run's threads (default: every core); two runs side by side take one each")
    args = p.parse_args()
    if (args.out is None) == (args.train is None):
        p.error("give either --out (golden trajectories) or --train N (an end-to-end run)")
    if args.train is not None and not 512 <= args.train <= 50000:
        p.error("--train must be between 512 and 50000 images")
    if not 1 <= args.threads <= 256:
        p.error("--threads must be between 1 and 256")
    return args


def load_cifar(archive, n_train, n_test):
    """The first n training images (data_batch_1.bin on) and test images as uint8 N×3×32×32 and their labels."""
    def records(names, n):
        with tarfile.open(archive) as tar:
            members = {m.name.rsplit("/", 1)[-1]: m for m in tar.getmembers()}
            raw = np.concatenate([np.frombuffer(tar.extractfile(members[name]).read(), np.uint8).reshape(-1, 3073) for name in names])[:n]
        return raw[:, 1:].reshape(n, 3, 32, 32).copy(), raw[:, 0].astype(np.int64)
    return records([f"data_batch_{i}.bin" for i in range(1, 6)], n_train), records(["test_batch.bin"], n_test)


def sha256(array):
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


class Original:
    """The original's modules, imported from the checkout."""

    def __init__(self, src):
        sys.path.insert(0, os.path.abspath(src))
        import core
        import dawn_utils
        import torch_backend
        self.core, self.tb, self.du = core, torch_backend, dawn_utils
        self.commit = subprocess.run(["git", "-C", src, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip() or "unknown"

    def preprocess(self, images, labels, pad):
        """new_dawn.py's preprocessing in fp32: normalise, NHWC → NCHW, reflect-pad 4 (training only)."""
        core, tb = self.core, self.tb
        T = lambda x: torch.tensor(x, dtype=torch.float32)
        transforms = [partial(core.normalise, mean=T(tb.cifar10_mean), std=T(tb.cifar10_std)),
                      partial(core.transpose, source="NHWC", target="NCHW")]
        if pad:
            transforms.append(partial(core.pad, border=4))
        dataset = {"data": torch.tensor(images.transpose(0, 2, 3, 1)).float(), "targets": torch.tensor(labels)}
        return core.preprocess(dataset, transforms)

    def transforms(self, recipe):
        core = self.core
        cut = recipe["cutout"]
        return [core.Crop(32, 32), core.FlipLR()] + ([core.Cutout(cut, cut)] if cut else [])

    def epoch_batches(self, recipe, data, targets):
        """One epoch of training batches as the original makes them: GPUBatches (group-wise) or Transform + DataLoader."""
        tb, core = self.tb, self.core
        if recipe["groupAugmentation"]:
            batches = tb.GPUBatches(batch_size=recipe["batchSize"], transforms=self.transforms(recipe),
                                    dataset={"data": data, "targets": targets}, shuffle=True, drop_last=True,
                                    max_options=recipe["maxOptions"])
            return [(b["input"], b["target"]) for b in batches]
        dataset = core.Transform(list(zip(data.numpy(), targets.numpy())), self.transforms(recipe))
        dataset.set_random_choices()
        loader = torch.utils.data.DataLoader(dataset, batch_size=recipe["batchSize"], shuffle=True, drop_last=True)
        return [(torch.as_tensor(np.asarray(x)), y) for x, y in loader]

    def network(self, recipe, whitening):
        """dawn_utils.net with the stage's blocks, composed as new_dawn.py and the notebook compose them."""
        tb, du = self.tb, self.du
        splits = recipe["ghostBatchNormSplits"]
        frozen = recipe["frozenBatchNormScales"]
        if splits > 1:
            batch_norm = partial(tb.GhostBatchNorm, num_splits=splits, weight_freeze=frozen)
        else:
            batch_norm = partial(tb.BatchNorm, weight_freeze=frozen)
        act = (lambda: nn.CELU(recipe["celuAlpha"])) if recipe["activation"] == "celu" else (lambda: nn.ReLU(True))

        def conv_bn(c_in, c_out, pool=None):
            block = {"conv": nn.Conv2d(c_in, c_out, kernel_size=3, stride=1, padding=1, bias=False),
                     "bn": batch_norm(c_out), "relu": act()}
            if pool and recipe["pool"] == "before-batch-norm":
                return {"conv": block["conv"], "pool": pool, "bn": block["bn"], "relu": block["relu"]}
            if pool:
                block["pool"] = pool
            return block

        def whitening_block(c_in, c_out):
            return {"whiten": whitening, "conv": nn.Conv2d(27, c_out, kernel_size=(1, 1), bias=False),
                    "norm": batch_norm(c_out), "act": act()}

        c = [max(1, round(base * recipe["width"])) for base in (64, 128, 256, 512)]
        channels = {"prep": c[0], "layer1": c[1], "layer2": c[2], "layer3": c[3]}
        net = du.net(channels=channels, weight=recipe["outputScale"], conv_bn=conv_bn,
                     prep=whitening_block if recipe["whitening"] else conv_bn)
        return tb.Network(net).to(torch.float32)

    def loss(self, recipe):
        tb = self.tb
        return tb.label_smoothing_loss(recipe["labelSmoothing"]) if recipe["labelSmoothing"] else tb.x_ent_loss


def coordinates(n):
    """A stand-in dataset whose pixels name their own source (image + 1, row + 1, column + 1): augmenting it shows
    exactly which crop, flip and cutout the original chose for every example (cutout zeroes all three)."""
    index = (torch.arange(n, dtype=torch.float32) + 1)[:, None, None].expand(n, 40, 40)
    rows = (torch.arange(40, dtype=torch.float32) + 1)[None, :, None].expand(n, 40, 40)
    cols = (torch.arange(40, dtype=torch.float32) + 1)[None, None, :].expand(n, 40, 40)
    return torch.stack([index, rows, cols], 1).contiguous()


def decode(batch):
    """Per example: source image, crop row and column in the 40×40 padded image, flip, cutout row and column (-1: none)."""
    out = np.zeros((len(batch), 6), np.int32)
    for i, x in enumerate(batch.numpy().astype(np.int64)):
        cut = x[0] == 0
        r = next(r for r in range(32) if not cut[r].any())
        cols = x[2, r] - 1
        flip = cols[0] > cols[-1]
        ys, xs = np.nonzero(cut)
        out[i] = (x[0, r, 0] - 1, x[1, r, 0] - 1 - r, cols[-1] if flip else cols[0], flip,
                  ys.min() if cut.any() else -1, xs.min() if cut.any() else -1)
    return out


def augment(padded, params, cutout):
    """The batch that per-example parameters describe, from the padded normalised training images."""
    images = []
    for source, dy, dx, flip, cy, cx in params:
        x = padded[source, :, dy:dy + 32, dx:dx + 32].clone()
        if flip:
            x = torch.flip(x, [-1])
        if cy >= 0:
            x[:, cy:cy + cutout, cx:cx + cutout] = 0.0
        images.append(x)
    return torch.stack(images)


def seeded(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)


def make_batches(original, recipe, padded, targets):
    """Every epoch's batches as (parameters, images, labels), checked against the original's own output on the real data."""
    seeded(SEED)
    params = [[decode(x) for x, _ in original.epoch_batches(recipe, coordinates(len(padded)), targets)]
              for _ in range(recipe["epochs"])]
    seeded(SEED)
    real = [original.epoch_batches(recipe, padded, targets) for _ in range(recipe["epochs"])]
    batches = []
    for epoch_params, epoch_real in zip(params, real):
        for p, (x, y) in zip(epoch_params, epoch_real):
            rebuilt = augment(padded, p, recipe["cutout"])
            assert torch.equal(rebuilt, x), "the decoded augmentation does not rebuild the original's batch"
            assert torch.equal(targets[torch.as_tensor(p[:, 0]).long()], y)
            batches.append((p, rebuilt, y))
    return batches


def whitening_eigens(original, padded, recipe, dtype):
    """The original's eigens(patches(...)) of the first images (centre crop of the padded set), in its float32 or in float64."""
    tb = original.tb
    return tb.eigens(tb.patches(padded[:recipe["whiteningImages"], :, 4:-4, 4:-4], dtype=dtype))


def perturbed(model, seed):
    """Every parameter moved by one float32 ulp up or down: the noise whose growth bounds what conformance can ask."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            if p.requires_grad:
                up = torch.rand(p.shape, generator=generator) < 0.5
                p.copy_(torch.where(up, torch.nextafter(p, torch.full_like(p, np.inf)), torch.nextafter(p, torch.full_like(p, -np.inf))))
    return model


def optimisers(original, recipe, model, steps_per_epoch):
    """new_dawn.py's two SGD groups: BN biases at the scaled learning rate and weight decay, everything else."""
    core, tb = original.core, original.tb
    schedule = core.PiecewiseLinear(recipe["learningRate"]["knots"], recipe["learningRate"]["values"])
    B, wd = recipe["batchSize"], recipe["weightDecay"]
    is_bias = core.group_by_key(("bias" in k, v) for k, v in tb.trainable_params(model).items())
    return [
        tb.SGD(is_bias[False], {"lr": lambda step: schedule(step / steps_per_epoch) / B,
                                "weight_decay": core.Const(wd * B), "momentum": core.Const(recipe["momentum"])}),
        tb.SGD(is_bias[True], {"lr": lambda step: schedule(step / steps_per_epoch) * recipe["biasLearningRateScale"] / B,
                               "weight_decay": core.Const(wd * B * recipe["biasWeightDecayScale"]),
                               "momentum": core.Const(recipe["momentum"])}),
    ]


def end_to_end_recipe(train, epochs, width):
    """The final stage at an end-to-end scale: its schedule by the original's rule, whitening from the first 10,000 images."""
    return {**TRAJECTORIES["final"], "width": width, "epochs": epochs, "trainSubset": train, "whiteningImages": min(10_000, train),
            "learningRate": {"knots": [0, epochs / 5, epochs - 2], "values": [0, 1.0, 0.1]}}


def end_to_end(args):
    """The original's final stage end to end at CPU scale, as new_dawn.py runs it but in fp32 on the CPU: one JSON line
    an epoch (TTA accuracy of the EMA model on all 10,000 test images)."""
    torch.set_num_threads(args.threads)
    original = Original(args.src)
    core, tb = original.core, original.tb
    epochs = args.epochs
    recipe = end_to_end_recipe(args.train, epochs, args.width)
    (train_images, train_labels), (test_images, test_labels) = load_cifar(args.data, args.train, 10_000)
    seeded(args.seed)
    timer = core.Timer()
    train_set = original.preprocess(train_images, train_labels, pad=True)
    valid_set = original.preprocess(test_images, test_labels, pad=False)
    dtype = torch.float64 if args.whitening_sum == "float64" else torch.float32
    whitening = tb.whitening_filter(*whitening_eigens(original, train_set["data"], recipe, dtype), eps=recipe["whiteningEpsilon"])
    model = original.network(recipe, whitening)
    train_batches = tb.GPUBatches(batch_size=recipe["batchSize"], transforms=original.transforms(recipe), dataset=train_set,
                                  shuffle=True, drop_last=True, max_options=recipe["maxOptions"])
    valid_batches = tb.GPUBatches(batch_size=recipe["batchSize"], dataset=valid_set, shuffle=False, drop_last=False)
    state = {tb.MODEL: model, tb.VALID_MODEL: copy.deepcopy(model), tb.LOSS: original.loss(recipe),
             tb.OPTS: optimisers(original, recipe, model, len(train_batches))}
    for epoch in range(epochs):
        log = tb.train_epoch(state, timer, train_batches, valid_batches,
                             train_steps=(*tb.default_train_steps, tb.update_ema(momentum=recipe["emaMomentum"], update_freq=recipe["emaEvery"])),
                             valid_steps=(tb.forward_tta([(lambda x: x), tb.flip_lr]), tb.log_activations(("loss", "acc"))))
        print(json.dumps({"epoch": epoch + 1, "seed": args.seed, "trainLoss": log["train"]["loss"], "trainAccuracy": log["train"]["acc"],
                          "ttaAccuracy": log["valid"]["acc"], "trainSeconds": log["train"]["time"], "totalSeconds": log["total time"],
                          "whiteningSum": args.whitening_sum, "width": args.width, "train": args.train}), flush=True)


def train(original, recipe, batches, valid_set, whitening, perturb=False, threads=1):
    """The trajectory through the original's train_epoch, recording what the conformance tests compare."""
    core, tb = original.core, original.tb
    torch.set_num_threads(threads)
    torch.manual_seed(SEED)
    model = original.network(recipe, whitening)
    if perturb:
        perturbed(model, SEED)
    rec = {"init": {k: v.clone() for k, v in model.state_dict().items()}, "losses": []}
    state = {tb.MODEL: model, tb.LOSS: original.loss(recipe)}
    if recipe["ema"]:
        state[tb.VALID_MODEL] = copy.deepcopy(model)
    steps_per_epoch = recipe["trainSubset"] // recipe["batchSize"]
    state[tb.OPTS] = optimisers(original, recipe, model, steps_per_epoch)

    total_steps = steps_per_epoch * recipe["epochs"]

    def before_last(batch, state):
        """The state the last step starts from: parameters, statistics, momentum buffers and the EMA."""
        if not batch or len(rec["losses"]) != total_steps - 1:
            return
        rec["resume/state"] = {k: v.clone() for k, v in state[tb.MODEL].state_dict().items()}
        names = {id(p): k for k, p in tb.trainable_params(state[tb.MODEL]).items()}
        rec["resume/velocity"] = {names[id(w)]: v.clone() for opt in state[tb.OPTS] for w, v in zip(opt["weights"], opt["opt_state"])}
        if tb.VALID_MODEL in state:
            rec["resume/ema"] = {k: v.clone() for k, v in state[tb.VALID_MODEL].state_dict().items()}

    def after_backward(batch, state):
        if not batch:
            return
        rec["losses"].append(float(state[tb.OUTPUT]["loss"].sum()))
        if len(rec["losses"]) == 1:
            rec["step1/logits"] = state[tb.OUTPUT]["logits"].detach().clone()
            rec["step1/loss"] = state[tb.OUTPUT]["loss"].sum().detach().clone()
            rec["step1/grad"] = {k: p.grad.clone() for k, p in tb.trainable_params(state[tb.MODEL]).items()}

    def after_update(batch, state):
        if batch and len(rec["losses"]) == 1:
            rec["step1/state"] = {k: v.clone() for k, v in state[tb.MODEL].state_dict().items()}
            if tb.VALID_MODEL in state:
                rec["ema1/state"] = {k: v.clone() for k, v in state[tb.VALID_MODEL].state_dict().items()}

    tta = [(lambda x: x), tb.flip_lr]
    valid_steps = (tb.forward_tta(tta), tb.log_activations(("loss", "acc"))) if recipe["tta"] else tb.default_valid_steps
    valid_batches = tb.GPUBatches(batch_size=recipe["batchSize"], dataset=valid_set, shuffle=False, drop_last=False)
    epochs = []
    for epoch in range(recipe["epochs"]):
        ema = (tb.update_ema(momentum=recipe["emaMomentum"], update_freq=recipe["emaEvery"]),) if recipe["ema"] else ()
        train_steps = (before_last, tb.forward(training_mode=True), tb.log_activations(("loss", "acc")), tb.backward(), after_backward,
                       tb.opt_steps, *ema, after_update)
        epoch_batches = [{"input": x, "target": y} for _, x, y in batches[epoch * steps_per_epoch:(epoch + 1) * steps_per_epoch]]
        log = tb.train_epoch(state, core.Timer(), epoch_batches, valid_batches, train_steps=train_steps, valid_steps=valid_steps)
        epochs.append({"epoch": epoch + 1, "trainLoss": log["train"]["loss"], "trainAccuracy": log["train"]["acc"],
                       "testAccuracy": log["valid"]["acc"]})
    rec["final/state"] = {k: v.clone() for k, v in state[tb.MODEL].state_dict().items()}
    evaluated = state.get(tb.VALID_MODEL, state[tb.MODEL])
    if tb.VALID_MODEL in state:
        rec["ema_final/state"] = {k: v.clone() for k, v in evaluated.state_dict().items()}
    step = tb.forward_tta(tta) if recipe["tta"] else tb.forward(training_mode=False)
    outputs = [step(b, {tb.MODEL: evaluated, tb.LOSS: original.loss(recipe)})[tb.OUTPUT] for b in valid_batches]
    rec["eval/logits"] = torch.cat([o["logits"].detach() for o in outputs])
    rec["eval/accuracy"] = float(torch.cat([o["acc"] for o in outputs]).float().mean())
    rec["epochs"] = epochs
    return rec


def relative(a, b):
    """‖a − b‖₂ / ‖b‖₂ (the absolute difference when b is 0): the measure every bound in the tests uses."""
    a, b = a.double(), b.double()
    norm = float(b.norm())
    return float((a - b).norm()) / norm if norm > 0 else float((a - b).norm())


def noise(rec, others):
    """How float32 noise in the original itself grows along the trajectory (the largest of the other runs' distances from
    it): per-step loss and per-tensor state."""
    def largest(distance):
        return max(distance(other) for other in others.values())

    def state(prefix):
        return lambda other: max((relative(other[prefix][k], v) for k, v in rec.get(prefix, {}).items() if v.is_floating_point()), default=0.0)

    by_source = {name: [abs(a - b) / abs(b) for a, b in zip(other["losses"], rec["losses"])] for name, other in others.items()}
    return {
        "sources": {"ulp": "every initial parameter one float32 ulp up or down", "threads": "two threads (another summation order)"},
        "stepLossRelative": [max(step) for step in zip(*by_source.values())],
        "stepLossRelativeBySource": by_source,
        "step1GradRelative": largest(lambda other: max(relative(other["step1/grad"][k], v) for k, v in rec["step1/grad"].items())),
        "step1GradRelativeByTensor": {k: max(relative(other["step1/grad"][k], v) for other in others.values()) for k, v in rec["step1/grad"].items()},
        "step1LogitsRelative": largest(lambda other: relative(other["step1/logits"], rec["step1/logits"])),
        "step1StateRelative": largest(state("step1/state")),
        "step1StateRelativeByTensor": {k: max(relative(other["step1/state"][k], v) for other in others.values())
                                       for k, v in rec["step1/state"].items() if v.is_floating_point()},
        "finalStateRelative": largest(state("final/state")),
        "emaFinalStateRelative": largest(state("ema_final/state")),
        "evalLogitsRelative": largest(lambda other: relative(other["eval/logits"], rec["eval/logits"])),
    }


# What each trajectory's file keeps (≤ 5 MB in all): the baseline its first step, the final stage also the last step's
# starting state and result. The EMA after its first update is ρ·init + (1 − ρ)·(state after step 1), checked here.
STORED = {"baseline": ("init", "step1/grad", "step1/state"),
          "final": ("init", "step1/grad", "step1/state", "resume/state", "resume/velocity", "resume/ema", "final/state", "ema_final/state")}


def check_first_ema(recipe, rec):
    rho = recipe["emaMomentum"] ** recipe["emaEvery"]
    for k, v in rec["ema1/state"].items():
        if v.is_floating_point():
            expected = rec["init"][k] * rho + (1 - rho) * rec["step1/state"][k]
            assert torch.equal(v, expected) or relative(v, expected) < 1e-6, f"EMA after its first update: {k}"


def arrays(name, rec, batches, eigens):
    out = {"losses": np.array(rec["losses"], np.float64), "augmentation": np.stack([p for p, _, _ in batches]).astype(np.int16),
           "eval/logits": rec["eval/logits"].numpy(), "step1/logits": rec["step1/logits"].numpy(),
           "step1/loss": rec["step1/loss"].numpy()}
    for prefix in STORED[name]:
        for k, v in rec.get(prefix, {}).items():
            if v.is_floating_point():
                out[f"{prefix}/{k}"] = v.numpy()
    for summation, (values, vectors) in eigens.items():
        out[f"whitening/{summation}/eigenvalues"] = values.numpy()
        out[f"whitening/{summation}/eigenvectors"] = vectors.numpy()
    return out


def main():
    args = parse_args()
    if args.train is not None:
        return end_to_end(args)
    torch.set_num_threads(1)  # one summation order, whatever the machine (train sets it per run)
    original = Original(args.src)
    n_train = max(r["trainSubset"] for r in TRAJECTORIES.values())
    (train_images, train_labels), (test_images, test_labels) = load_cifar(args.data, n_train, TEST_IMAGES)
    train_set = original.preprocess(train_images, train_labels, pad=True)
    valid_set = original.preprocess(test_images, test_labels, pad=False)
    os.makedirs(args.out, exist_ok=True)
    manifest = {
        "source": {"repository": "davidcpage/cifar10-fast", "commit": original.commit,
                   "modules": ["core.py", "torch_backend.py", "dawn_utils.py"]},
        "torch": torch.__version__, "numpy": np.__version__, "python": sys.version.split()[0],
        "date": datetime.date.today().isoformat(),
        "command": "python3 tools/reference/golden.py --src CIFAR10_FAST --data cifar-10-binary.tar.gz --out Runner.Tests/Golden/cifar10-fast",
        "seed": SEED,
        "data": {"archiveSha256": hashlib.sha256(open(args.data, "rb").read()).hexdigest(),
                 "trainImages": n_train, "testImages": TEST_IMAGES,
                 "trainImagesSha256": sha256(train_images), "testImagesSha256": sha256(test_images),
                 "paddedSha256": sha256(train_set["data"].numpy()), "testSha256": sha256(valid_set["data"].numpy())},
        "trajectories": {},
    }
    for name, recipe in TRAJECTORIES.items():
        print(f"{name}: batches", flush=True)
        padded, targets = train_set["data"][:recipe["trainSubset"]], train_set["targets"][:recipe["trainSubset"]]
        batches = make_batches(original, recipe, padded, targets)
        eigens, filter_ = {}, None
        if recipe["whitening"]:
            eigens = {s: whitening_eigens(original, padded, recipe, d) for s, d in (("float32", torch.float32), ("float64", torch.float64))}
            # The trajectory whitens with the float64 sum, Runner's rule (docs/recipe.md): like with like.
            filter_ = original.tb.whitening_filter(*eigens["float64"], eps=recipe["whiteningEpsilon"])
        print(f"{name}: training", flush=True)
        rec = train(original, recipe, batches, valid_set, filter_)
        others = {"ulp": train(original, recipe, batches, valid_set, filter_, perturb=True),
                  "threads": train(original, recipe, batches, valid_set, filter_, threads=2)}
        torch.set_num_threads(1)
        if recipe["ema"]:
            check_first_ema(recipe, rec)
        np.savez_compressed(os.path.join(args.out, f"{name}.npz"), **arrays(name, rec, batches, eigens))
        manifest["trajectories"][name] = {
            "recipe": recipe, "stored": list(STORED[name]), "steps": len(rec["losses"]), "stepsPerEpoch": recipe["trainSubset"] // recipe["batchSize"],
            "epochs": rec["epochs"], "evalAccuracy": rec["eval/accuracy"],
            "whitening": "float64 sum of the patches' outer products (the original's own code at dtype float64)" if recipe["whitening"] else None,
            "noise": noise(rec, others),
        }
        print(f"{name}: {len(rec['losses'])} steps, loss {rec['losses'][0]:.4f} → {rec['losses'][-1]:.4f}, "
              f"accuracy {rec['eval/accuracy']:.4f}", flush=True)
    # Group-wise augmentation with cutout (the whitening and EMA stages'), which neither trajectory has: its options only.
    cutout = {**TRAJECTORIES["final"], "cutout": 5, "epochs": 2}
    seeded(SEED)
    np.savez_compressed(os.path.join(args.out, "augmentation.npz"), **{"group-wise-cutout": np.stack([
        np.concatenate([decode(x) for x, _ in original.epoch_batches(cutout, coordinates(cutout["trainSubset"]), train_set["targets"][:cutout["trainSubset"]])])
        for _ in range(cutout["epochs"])]).astype(np.int16)})
    manifest["augmentation"] = {"group-wise-cutout": {"recipe": cutout, "file": "augmentation.npz",
                                                      "layout": "epochs × images × (source, crop row, crop column, flip, cutout row, cutout column)"}}
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
