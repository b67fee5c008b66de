#!/usr/bin/env python3
"""CIFAR-10 in pieces small enough to travel to a lent GPU machine (docs/gpu.md, "Real data on a lent machine").

    /usr/bin/python3 scripts/gpu-data/pack.py ../shared/data/cifar10-jpeg75/cifar-10-binary.tar.gz .data/gpu-data

The archive (174 MB, 184 MB unpacked) does not fit a call's 64 MiB, and zstd or xz alone shrink its pixels by
about 12%. Each image is coded losslessly as its residual from a 2-D difference (left, then up) with the red
residual subtracted from green and blue, planar per channel; xz then keeps 48.4% of the shared copy.
The pieces are about 45 MB each, one folder each (OUT_FOLDER/1 holds manifest.json too), so that each call
carries one; scripts/gpu-data/unpack.py rebuilds the binary files there and checks every
file's sha256 against manifest.json. Needs numpy (Debian's python3-numpy).
"""
import hashlib
import json
import lzma
import os
import sys
import tarfile

import numpy as np

PIECE_BYTES = 45_000_000
RECORD = 3073  # one label byte, then 1,024 R, G and B bytes (the official binary layout)


def residual(pixels):
    """uint8 (n, 3, 32, 32) -> uint8 (3, n, 32, 32): the 2-D difference, green and blue less red, mod 256."""
    x = pixels.astype(np.int16)
    left = x.copy()
    left[..., 1:] -= x[..., :-1]
    up = left.copy()
    up[..., 1:, :] -= left[..., :-1, :]
    up[:, 1:] -= up[:, :1]
    return np.ascontiguousarray((up & 0xFF).astype(np.uint8).transpose(1, 0, 2, 3))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: pack.py cifar-10-binary.tar.gz OUT_FOLDER")
    archive, out = sys.argv[1:]
    files, payload = [], []
    with tarfile.open(archive) as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile()), key=lambda m: m.name)
        for member in members:
            data = tar.extractfile(member).read()
            name = os.path.basename(member.name)
            entry = {"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            if name.endswith(".bin"):
                records = np.frombuffer(data, np.uint8).reshape(-1, RECORD)
                payload += [records[:, 0].tobytes(), residual(records[:, 1:].reshape(-1, 3, 32, 32)).tobytes()]
                entry["records"] = len(records)
            else:
                payload.append(data)
            files.append(entry)
    packed = lzma.compress(b"".join(payload), preset=9 | lzma.PRESET_EXTREME)
    pieces = -(-len(packed) // PIECE_BYTES)
    size = -(-len(packed) // pieces)
    names = []
    for i in range(pieces):  # one folder a call, so that each call carries one path
        names.append(f"cifar10.xz.{i + 1}")
        os.makedirs(os.path.join(out, str(i + 1)), exist_ok=True)
        with open(os.path.join(out, str(i + 1), names[-1]), "wb") as f:
            f.write(packed[i * size:(i + 1) * size])
    manifest = {"source": os.path.basename(archive), "files": files, "pieces": names,
                "xzBytes": len(packed), "xzSha256": hashlib.sha256(packed).hexdigest()}
    with open(os.path.join(out, "1", "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"{sum(e['bytes'] for e in files):,} bytes in {len(files)} files -> {len(packed):,} bytes of xz in "
          f"{pieces} pieces in {out}/1 … {out}/{pieces}: carry one folder a call")


if __name__ == "__main__":
    main()
