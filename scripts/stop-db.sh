#!/usr/bin/env bash
# Stops the private PostgreSQL cluster that start.sh and test.sh use.
set -euo pipefail
source "$(dirname "$0")/postgres.sh"
pg_down
