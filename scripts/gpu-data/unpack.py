#!/usr/bin/env python3
"""Rebuilds CIFAR-10's binary files from the pieces scripts/gpu-data/pack.py made (docs/gpu.md, "Real data on a lent
machine"), on a lent GPU machine: its python3 has PyTorch, and numpy is not known to be there, so this uses only the
standard library and torch.

    python3 scripts/gpu-data/unpack.py .data/gpu-data

Writes FOLDER/cifar-10-batches-bin/ and checks every file's sha256 against manifest.json; exits non-zero, naming the
first missing piece or the first file that differs, otherwise.
"""
import ctypes
import hashlib
import json
import lzma
import os
import sys

import torch


def pixels(residual):
    """uint8 (3, n, 32, 32) residual -> uint8 (n, 3072): green and blue plus red, then sums down and along, mod 256."""
    x = residual.to(torch.int32)
    x[1:] += x[:1]
    x = x.cumsum(2).cumsum(3) & 0xFF
    return x.to(torch.uint8).permute(1, 0, 2, 3).reshape(residual.shape[1], -1)


def as_bytes(t):
    t = t.contiguous()
    return ctypes.string_at(t.data_ptr(), t.numel())


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: unpack.py FOLDER (with manifest.json and the pieces)")
    folder = sys.argv[1]
    if not os.path.exists(os.path.join(folder, "manifest.json")):
        sys.exit(f"manifest.json is not in {folder}: carry the first piece's folder (it holds the manifest) first.")
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    missing = [p for p in manifest["pieces"] if not os.path.exists(os.path.join(folder, p))]
    if missing:
        sys.exit(f"{missing[0]} is not in {folder}: carry every piece before unpacking.")
    packed = b"".join(open(os.path.join(folder, p), "rb").read() for p in manifest["pieces"])
    if hashlib.sha256(packed).hexdigest() != manifest["xzSha256"]:
        sys.exit("The pieces joined differ from what pack.py wrote: carry them again.")
    payload = memoryview(lzma.decompress(packed))
    out = os.path.join(folder, "cifar-10-batches-bin")
    os.makedirs(out, exist_ok=True)
    at = 0
    for entry in manifest["files"]:
        data, at = bytes(payload[at:at + entry["bytes"]]), at + entry["bytes"]  # a .bin file: labels, then residual
        if "records" in entry:
            n = entry["records"]
            labels = torch.frombuffer(bytearray(data[:n]), dtype=torch.uint8).reshape(n, 1)
            residual = torch.frombuffer(bytearray(data[n:]), dtype=torch.uint8).reshape(3, n, 32, 32)
            data = as_bytes(torch.cat([labels, pixels(residual)], dim=1))
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            sys.exit(f"{entry['name']} differs from the original after unpacking.")
        with open(os.path.join(out, entry["name"]), "wb") as f:
            f.write(data)
    print(f"{len(manifest['files'])} files in {out}, each the original's to its sha256")


if __name__ == "__main__":
    main()
