#!/usr/bin/env bash
# Starts Runner for local use: a private PostgreSQL, the API and one CPU worker. Ctrl+C stops them.
# With --demo it then submits a small CPU-scale ablation (the whitening stage with and without whitening,
# 4 seeds) and prints its analysis table (CIFAR-10 from RUNNER_DEMO_DATA, else the cache or a download, else synthetic data).
# Settings: RUNNER_API_PORT (5080), RUNNER_PG_PORT (55432), RUNNER_WORKER_DEVICE (cpu, or cuda:N),
# RUNNER_WORKERS (worker processes on that device, default 1: several runs share a large GPU, one per
# process), and any Runner setting as an environment variable (Access__ApiKey, Worker__Threads, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
demo=0
for arg in "$@"; do
  case "$arg" in
    --demo) demo=1 ;;
    *) echo "Unknown argument '$arg'; the only option is --demo." >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh
source scripts/postgres.sh
pg_up

api_port=${RUNNER_API_PORT:-5080}
api_url="http://127.0.0.1:${api_port}"
export ConnectionStrings__Runner=${ConnectionStrings__Runner:-$(pg_connection_string)}

echo "build: dotnet build -c Release"
dotnet build runner.sln -c Release -v quiet -nologo 2>&1 | grep -E "error|warn" || true
out=$(pwd)
[ -f "$out/Runner.Api/bin/Release/net10.0/Runner.Api.dll" ] || { echo "The build failed; see the errors above." >&2; exit 1; }

pids=()
# One malloc arena for the worker: see Runner.Core/Devices/NativeAllocator.cs.
export MALLOC_ARENA_MAX=1
stop() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

(cd Runner.Api/bin/Release/net10.0 && exec dotnet Runner.Api.dll --urls "$api_url") &
pids+=($!)
worker_device=${RUNNER_WORKER_DEVICE:-cpu}
workers=${RUNNER_WORKERS:-1}
[[ "$workers" =~ ^[1-9][0-9]?$ ]] || { echo "RUNNER_WORKERS is '$workers'; give 1 to 99 worker processes." >&2; exit 2; }
for _ in $(seq 1 "$workers"); do
  (cd Runner.Worker/bin/Release/net10.0 && exec dotnet Runner.Worker.dll serve --device "$worker_device") &
  pids+=($!)
done

for _ in $(seq 1 120); do
  curl -fsS "$api_url/readyz" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "The API exited; see its message above." >&2; exit 1; }
  sleep 0.5
done

cat <<MSG

Runner is up.
  API        $api_url
  Workers    $api_url/workers
  Dashboard  $api_url/hangfire
  OpenAPI    $api_url/openapi/v1.json   (browse: $api_url/scalar)
  Health     $api_url/healthz  $api_url/readyz
Try:  curl -s -X POST -H 'Content-Type: application/json' '$api_url/workers/probe?wait=10'
      ./scripts/start.sh --demo   (a small ablation with its analysis table)
Ctrl+C stops the API, the worker and leaves the database running (scripts/stop-db.sh stops it).

MSG
if [ "$demo" -eq 1 ]; then
  (cd Runner.Worker/bin/Release/net10.0 && dotnet Runner.Worker.dll demo --api "$api_url" ${RUNNER_DEMO_DATA:+--data "$RUNNER_DEMO_DATA"}) || true
  echo "The demo is done; the API and worker keep running (Ctrl+C stops them)."
fi
wait -n "${pids[@]}"
