#!/usr/bin/env bash
# Runs the whole test suite against a real PostgreSQL that it starts itself (and stops again if it
# was not running before). Extra arguments go to dotnet test, e.g. --filter FullyQualifiedName~Hardening.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --with-browser
# A cluster of its own, apart from the one start.sh runs, so tests can run beside a running stack.
export RUNNER_PG_PORT=${RUNNER_TEST_PG_PORT:-55433}
export RUNNER_DATA_DIR=${RUNNER_TEST_DATA_DIR:-$(pwd)/.data/test}
source scripts/postgres.sh
if pg_is_running; then started_here=0; else started_here=1; fi
RUNNER_PG_OPTIONS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" pg_up
[ "$started_here" -eq 0 ] || trap pg_down EXIT

# The shared CIFAR-10 copy lies beside the checkout (../shared, Runner.Tests/Infrastructure/SharedCifar.cs); a clone
# made elsewhere (a temporary folder) finds it beside the repository it was cloned from.
if [ -z "${RUNNER_TEST_CIFAR10:-}" ] && [ ! -d ../shared ]; then
  origin=$(git config --get remote.origin.url || true)
  archive="$origin/../shared/data/cifar10-jpeg75/cifar-10-binary.tar.gz"
  if [ -n "$origin" ] && [ -f "$archive" ]; then
    export RUNNER_TEST_CIFAR10=$(realpath "$archive")
  fi
fi

# Tests create (and drop) their own databases through this administrative connection.
export RUNNER_TEST_POSTGRES=$(pg_connection_string postgres)

# Tests train in process and in worker processes: one malloc arena (Runner.Core/Devices/NativeAllocator.cs).
export MALLOC_ARENA_MAX=1
# ... often several at once on two cores: libtorch's OpenMP threads then spin waiting for peers that are not
# running (one run's epoch took 11.9 s beside another process, 1.0 s with passive waiting; docs/benchmarks.md).
export OMP_WAIT_POLICY=PASSIVE
results=$(pwd)/.data/test-results
rm -rf "$results"
status=0
dotnet test runner.sln -c Release --logger "trx;LogFileName=tests.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@" || status=$?

trx="$results/tests.trx"
if [ -f "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  count() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  skipped=$(( $(count total) - $(count executed) ))
  echo "tests: $(count passed) passed, $(count failed) failed, ${skipped} skipped"
fi
exit "$status"
