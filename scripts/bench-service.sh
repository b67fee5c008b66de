#!/usr/bin/env bash
# Service benchmarks (docs/benchmarks.md): a PostgreSQL, API and CPU worker of their own, then
# `Runner.Worker bench-service`: POST /batches latency, enqueue → start, per-run overhead, analysis latency.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export RUNNER_PG_PORT=${RUNNER_BENCH_PG_PORT:-55434}
export RUNNER_DATA_DIR=$(pwd)/.data/bench
source scripts/postgres.sh
pg_up
export ConnectionStrings__Runner=$(pg_fresh_database runner_bench)

dotnet build runner.sln -c Release -v quiet -nologo 2>&1 | grep -E " error " && exit 1
port=${RUNNER_BENCH_API_PORT:-5081}
api="http://127.0.0.1:$port"
pids=()
# One malloc arena for the worker: see Runner.Core/Devices/NativeAllocator.cs.
export MALLOC_ARENA_MAX=1
trap 'kill -TERM "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; pg_down' EXIT
(cd Runner.Api/bin/Release/net10.0 && exec dotnet Runner.Api.dll --urls "$api" >/dev/null) &
pids+=($!)
(cd Runner.Worker/bin/Release/net10.0 && Queue__PollIntervalSeconds=1 exec dotnet Runner.Worker.dll serve --device cpu >/dev/null) &
pids+=($!)
for _ in $(seq 1 120); do curl -fsS "$api/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
until curl -fsS "$api/workers?status=alive" | grep -q '"device"'; do sleep 0.5; done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F)"
(cd Runner.Worker/bin/Release/net10.0 && dotnet Runner.Worker.dll bench-service --api "$api" "$@")
