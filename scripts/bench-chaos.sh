#!/usr/bin/env bash
# Chaos benchmark (docs/benchmarks.md): a PostgreSQL and API of their own, then `Runner.Worker bench-chaos`,
# which runs a batch on three worker processes while SIGKILLing a busy one 20 times, with 200 runs queued behind
# it (arguments pass through: --kills, --workers, --seeds, --epochs, --seed, --behind), checks that every run is
# stored exactly once and reports kill → restart. The API releases a lost worker's runs (Workers__LostAfterSeconds).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export RUNNER_PG_PORT=${RUNNER_CHAOS_PG_PORT:-55435}
export RUNNER_DATA_DIR=$(pwd)/.data/chaos
source scripts/postgres.sh
pg_up
export ConnectionStrings__Runner=$(pg_fresh_database runner_chaos)
# Without the API's repair a killed worker's job would become visible again only after this, behind the queue.
export Queue__InvisibilityTimeoutSeconds=${RUNNER_CHAOS_INVISIBILITY:-300}
export Queue__PollIntervalSeconds=1
export MALLOC_ARENA_MAX=1

dotnet build runner.sln -c Release -v quiet -nologo 2>&1 | grep -E " error " && exit 1
port=${RUNNER_CHAOS_API_PORT:-5082}
api="http://127.0.0.1:$port"
trap 'kill -TERM "$api_pid" 2>/dev/null || true; wait 2>/dev/null || true; pg_down' EXIT
(cd Runner.Api/bin/Release/net10.0 && exec dotnet Runner.Api.dll --urls "$api" >/dev/null) &
api_pid=$!
for _ in $(seq 1 120); do curl -fsS "$api/readyz" >/dev/null 2>&1 && break; sleep 0.5; done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F); invisibility timeout ${Queue__InvisibilityTimeoutSeconds} s"
(cd Runner.Worker/bin/Release/net10.0 && dotnet Runner.Worker.dll bench-chaos --api "$api" "$@")
