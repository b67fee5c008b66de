#!/usr/bin/env bash
# The prepared GPU check (docs/gpu.md), in two halves:
#   scripts/gpu-check.sh --prepare   here: publishes a self-contained worker without libtorch
#                                    (-p:TorchBackend=system) into .data/gpu-check/worker.tar.zst (about 42 MB), and
#                                    the golden trajectories' images into .data/gpu-check/conformance-inputs.bin (12.6 MB)
#   scripts/gpu-check.sh [OUT]       on the GPU machine (with .data/gpu-check carried): finds libtorch
#                                    (RUNNER_LIBTORCH_DIR, else python3's torch/lib), then runs the final preset at
#                                    full scale on CUDA in auto precision (fp16) for 3 seeds and in fp32 for 3 seeds,
#                                    the batch-512 throughput against the compute floor, 1, 2 and 4 packed
#                                    processes on one GPU, and the conformance check against the originals' golden
#                                    trajectories of cifar10-fast and airbench94 (fp32 with TF32 off, bounded; auto/fp16, drift reported), and airbench94 at
#                                    full scale for 5 seeds;
#                                    writes OUT/gpu-check.json and OUT/gpu-check.log
#                                    (OUT defaults to $OUT, else .data/gpu-check/out). About 6 minutes on an H200 (its parts as timed on 2026-12-04, docs/gpu.md).
# The bridge: TorchSharp 0.107's libLibTorchSharp.so was built against libtorch 2.10. The check lists every libtorch
# symbol it needs that the machine's libtorch lacks, and where some are missing rebuilds it there
# (scripts/gpu-bridge) from TorchSharp's native sources, which --prepare packs when RUNNER_TORCHSHARP_SRC names a
# TorchSharp checkout at the package's version (its src/Native/LibTorchSharp).
# Data: CIFAR-10 from RUNNER_GPU_CHECK_DATA (cifar-10-binary.tar.gz or cifar-10-batches-bin/) when the machine
# has it, else from /tmp/gpu-data where earlier calls unpacked it (scripts/gpu-data); else 50,000 synthetic images,
# which time the runs faithfully but make accuracies meaningless.
set -euo pipefail
cd "$(dirname "$0")/.."
here=.data/gpu-check

if [ "${1:-}" = "--prepare" ]; then
  command -v zstd >/dev/null || { echo "zstd is needed to pack the worker (apt-get install zstd)." >&2; exit 2; }
  rm -rf "$here/artifacts" && mkdir -p "$here"
  # The worker reuses Runner.Core built in its own folders (Runner.Worker.csproj), so a fresh checkout restores it there first.
  dotnet restore Runner.Core/Runner.Core.csproj -v quiet -nologo
  dotnet publish Runner.Worker/Runner.Worker.csproj -c Release -r linux-x64 --self-contained -p:TorchBackend=system \
    -p:UseArtifactsOutput=true -p:ArtifactsPath="$PWD/$here/artifacts" -v quiet -nologo
  tar -C "$here/artifacts/publish/Runner.Worker/release_linux-x64" -cf - . | zstd -19 -T0 -q -f -o "$here/worker.tar.zst"
  rm -rf "$here/artifacts"
  cp "$(command -v zstd)" "$here/zstd" # the lent machines have no zstd to unpack it with
  shared=../shared/data/cifar10-jpeg75/cifar-10-binary.tar.gz
  dotnet run --project Runner.Worker -c Release -- conformance --data "${RUNNER_GPU_CHECK_PREPARE_DATA:-$shared}" \
    --save-inputs "$here/conformance-inputs.bin"
  if [ -n "${RUNNER_TORCHSHARP_SRC:-}" ]; then
    tar -C "$RUNNER_TORCHSHARP_SRC/src/Native" -czf "$here/bridge-src.tar.gz" LibTorchSharp Stdafx.h UnixSal.h
    echo "packed TorchSharp's native sources into $here/bridge-src.tar.gz"
  fi
  echo "packed $(du -h "$here/worker.tar.zst" | cut -f1) into $here/worker.tar.zst; carry it and $here/conformance-inputs.bin to the GPU machine"
  exit 0
fi

out=${1:-${OUT:-$here/out}}
mkdir -p "$out"
log="$out/gpu-check.log"
exec > >(tee "$log") 2>&1
[ -f "$here/worker.tar.zst" ] || { echo "No packed worker at $here/worker.tar.zst: run scripts/gpu-check.sh --prepare first (here) and carry it."; exit 2; }
worker=/tmp/runner-gpu-worker
rm -rf "$worker" && mkdir -p "$worker"
command -v zstd >/dev/null || PATH="$PWD/$here:$PATH"
zstd -d -q -c "$here/worker.tar.zst" | tar -C "$worker" -xf -

libtorch=${RUNNER_LIBTORCH_DIR:-$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null || true)}
[ -n "$libtorch" ] || { echo "No libtorch found: set RUNNER_LIBTORCH_DIR or install PyTorch for python3."; exit 2; }
export RUNNER_LIBTORCH_DIR=$libtorch MALLOC_ARENA_MAX=1
data=(--synthetic 50000)
unpacked=/tmp/gpu-data/cifar-10-batches-bin # where scripts/gpu-data/unpack.py put CIFAR-10 in an earlier call (docs/gpu.md)
[ -z "${RUNNER_GPU_CHECK_DATA:-}" ] && [ -f "$unpacked/test_batch.bin" ] && RUNNER_GPU_CHECK_DATA=$unpacked
[ -n "${RUNNER_GPU_CHECK_DATA:-}" ] && data=(--data "$RUNNER_GPU_CHECK_DATA")
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader > "$out/gpu.txt" || true
echo "GPU: $(cat "$out/gpu.txt"); libtorch: $libtorch; data: ${data[*]}"
# Whether the originals could run here beside Runner (tools/reference needs numpy; cifar10-fast also imports pandas).
echo "python3 for tools/reference: $(python3 -c 'import sys, importlib.util as u; print(sys.version.split()[0], ", ".join(m + (" yes" if u.find_spec(m) else " no") for m in ("numpy", "pandas")))' 2>&1)"

# 0. The bridge against this libtorch: the symbols it needs that this libtorch lacks, and a rebuild here if any are.
bridge=$(find "$worker" -name libLibTorchSharp.so | head -n 1)
missing_symbols() {
  comm -23 <(nm -D --undefined-only "$bridge" | awk '$1 == "U" && $2 !~ /@/ {print $2}' | sort -u) \
    <(for l in "$libtorch"/lib{c10,c10_cuda,torch,torch_cpu,torch_cuda}.so; do [ ! -f "$l" ] || nm -D --defined-only "$l" | awk '{print $3}'; done | sort -u)
}
missing_symbols > "$out/bridge-missing.txt" || true
echo "bridge: $(wc -l < "$out/bridge-missing.txt") libtorch symbols it needs are missing from this libtorch"
if [ -s "$out/bridge-missing.txt" ] && [ -f "$here/bridge-src.tar.gz" ]; then
  start=$(date +%s)
  rm -rf /tmp/bridge-src && mkdir -p /tmp/bridge-src && tar -C /tmp/bridge-src -xzf "$here/bridge-src.tar.gz"
  generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
  for std in 17 20; do # C++17 as TorchSharp builds it; C++20 should this libtorch's headers need it
    if cmake -S scripts/gpu-bridge -B "/tmp/bridge-build-$std" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DBRIDGE_CXX_STANDARD=$std \
        -DTORCHSHARP_NATIVE=/tmp/bridge-src/LibTorchSharp -DTORCH_ROOT="$(dirname "$libtorch")" > "$out/bridge-build-$std.txt" 2>&1 &&
      cmake --build "/tmp/bridge-build-$std" -j "$(nproc)" >> "$out/bridge-build-$std.txt" 2>&1; then
      cp "/tmp/bridge-build-$std/libLibTorchSharp.so" "$bridge"
      echo "bridge: rebuilt against this libtorch (C++$std) in $(( $(date +%s) - start )) s"
      break
    fi
    echo "bridge: the C++$std build failed: $(grep -m 1 -i 'error' "$out/bridge-build-$std.txt")"
  done
  missing_symbols > "$out/bridge-missing.txt" || true
  echo "bridge: $(wc -l < "$out/bridge-missing.txt") libtorch symbols missing after the rebuild"
fi

train() { # name, then worker train arguments; stdout (epoch lines and the result JSON) to OUT/name.txt
  local name=$1; shift
  local start=$(date +%s.%N)
  if (cd "$worker" && timeout 240 ./Runner.Worker train --device cuda "${data[@]}" "$@") > "$out/$name.txt" 2> "$out/$name.err"; then
    echo "$name: $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
  else
    echo "$name failed: $(tail -n 3 "$out/$name.err" | tr '\n' ' ')"
    return 1
  fi
}

# 1. Does the bridge bind to this libtorch? One small run says it, or says which symbol is missing.
train bridge --set epochs=1 --set width=0.25 || { echo "The bridge did not run on CUDA; see $out/bridge.err."; }
# 2. Conformance with the original, step for step: fp32 with TF32 off within the stated bounds; fp16 drift.
if [ -s "$out/bridge.txt" ]; then
  inputs=$PWD/$here/conformance-inputs.bin # the same images for both sets
  golden=$PWD/Runner.Tests/Golden
  for set in cifar10-fast airbench94; do
    for precision in fp32 auto; do
      if (cd "$worker" && timeout 300 ./Runner.Worker conformance --device cuda --precision "$precision" \
          --golden "$golden/$set" --inputs "$inputs") > "$out/conformance-$set-$precision.txt" 2>&1; then
        echo "conformance $set $precision: $(grep -c ', largest relative difference' "$out/conformance-$set-$precision.txt") checks, $(
          [ "$precision" = fp32 ] && echo "none diverges" || echo "drift reported in conformance-$set-$precision.txt")"
      else
        echo "conformance $set $precision failed or diverged: $(tail -n 2 "$out/conformance-$set-$precision.txt" | tr '\n' ' ')"
      fi
    done
  done
fi
# 3. The final preset at full scale: auto precision (fp16 with fp32 batch norm) and fp32, 3 seeds each.
if [ -s "$out/bridge.txt" ]; then
  for seed in 0 1 2; do train "fp16-$seed" --seed "$seed" || true; done
  for seed in 0 1 2; do train "fp32-$seed" --seed "$seed" --set precision=fp32 || true; done
  # 4. Batch-512 throughput against the compute floor (the same model construction as the loop).
  (cd "$worker" && timeout 180 ./Runner.Worker bench --device cuda "${data[@]}") > "$out/bench.txt" 2>&1 || echo "bench failed"
  # 5. 1, 2 and 4 runs packed on the GPU, one process each: wall time for all of them.
  for n in 1 2 4; do
    start=$(date +%s.%N)
    pids=() # waited for by name: a bare wait would also wait for the log's tee
    for i in $(seq 1 "$n"); do train "packed$n-$i" --seed "$i" > /dev/null & pids+=($!); done
    wait "${pids[@]}" || true
    echo "packed $n: $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s for $n runs" | tee "$out/packed$n.time"
  done
  # 6. airbench94 at full scale, 5 seeds (goal: mean TTA accuracy >= 94.0% over 25 runs, in <= 1.3x the uncompiled reference's time).
  for seed in 0 1 2 3 4; do train "airbench-$seed" --preset airbench94 --seed "$seed" || true; done
fi

python3 - "$out" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
def result(name):
    p = out / f"{name}.txt"
    if not p.exists(): return None
    text = p.read_text(); i = text.find("{")
    try: whole = json.loads(text[i:]) if i >= 0 else None
    except Exception: return None
    return whole and dict(whole["result"], batchSize=whole["recipe"]["batchSize"])
def runs(prefix, n): return [r for r in (result(f"{prefix}-{s}") for s in range(n)) if r]
missing = (out / "bridge-missing.txt").read_text().split() if (out / "bridge-missing.txt").exists() else []
summary = {"gpu": (out / "gpu.txt").read_text().strip() if (out / "gpu.txt").exists() else None,
           "bridgeMissingSymbols": {"count": len(missing), "first": missing[:20]},
           "bridge": result("bridge"), "bridgeError": (out / "bridge.err").read_text().strip()[-2000:] if (out / "bridge.err").exists() else None}
for precision in ("fp16", "fp32"):
    rs = runs(precision, 3)
    summary[precision] = [{"seed": r["seed"], "testAccuracy": r["testAccuracy"], "ttaAccuracy": r.get("ttaAccuracy"), "trainingSeconds": r["trainingSeconds"],
                           "imagesPerSecond": r["steps"] * r["batchSize"] / r["trainingSeconds"], "precision": r.get("precision"), "numerics": r.get("numerics"),
                           "device": r["deviceName"], "torchSharp": r["torchSharpVersion"], "libTorch": r["libTorchVersion"]} for r in rs]
summary["airbench94"] = [{"seed": r["seed"], "testAccuracy": r["testAccuracy"], "ttaAccuracy": r.get("ttaAccuracy"), "trainingSeconds": r["trainingSeconds"],
                           "totalSeconds": r["totalSeconds"], "precision": r.get("precision"), "device": r["deviceName"]} for r in runs("airbench", 5)]
summary["bench"] = (out / "bench.txt").read_text() if (out / "bench.txt").exists() else None
summary["packed"] = {p.stem: p.read_text().strip() for p in sorted(out.glob("packed*.time"))}
summary["conformance"] = {p.stem: [line for line in p.read_text().splitlines() if ", largest relative difference" in line or "diverge" in line]
                          for p in sorted(out.glob("conformance-*.txt"))}
(out / "gpu-check.json").write_text(json.dumps(summary, indent=2))
print(json.dumps({k: v for k, v in summary.items() if k != "bench"}, indent=2)[:4000])
PY
