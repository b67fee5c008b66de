#!/usr/bin/env bash
# Starts Runner for local use: a private PostgreSQL, the API and one CPU worker. Ctrl+C stops them.
# Settings: RUNNER_API_PORT (5080), RUNNER_PG_PORT (55432), and any Runner setting as an environment
# variable (Access__ApiKey, Worker__Threads, ...).
set -euo pipefail
cd "$(dirname "$0")/.."

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
stop() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

(cd Runner.Api/bin/Release/net10.0 && exec dotnet Runner.Api.dll --urls "$api_url") &
pids+=($!)
(cd Runner.Worker/bin/Release/net10.0 && exec dotnet Runner.Worker.dll serve --device cpu) &
pids+=($!)

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
Try:  curl -s -X POST '$api_url/workers/probe?wait=10'
Ctrl+C stops the API, the worker and leaves the database running (scripts/stop-db.sh stops it).

MSG
wait -n "${pids[@]}"
