#!/usr/bin/env bash
# Backs up Runner's database while the service runs: pg_dump's custom format of Runner's tables (schema
# public, with the migrations journal) and Hangfire's (Queue__SchemaName, default hangfire), one consistent
# snapshot. Usage: scripts/backup.sh FILE. The database is ConnectionStrings__Runner (the same setting the API
# and workers read); restore with scripts/restore.sh.
set -euo pipefail
source "$(dirname "$0")/postgres.sh"

[ $# -eq 1 ] || { echo "Usage: scripts/backup.sh FILE (the dump to write; the database is ConnectionStrings__Runner)." >&2; exit 2; }
[ -n "${ConnectionStrings__Runner:-}" ] || { echo "Set ConnectionStrings__Runner to the database to back up." >&2; exit 2; }
pg_env_from_connection_string "$ConnectionStrings__Runner"
hangfire=${Queue__SchemaName:-hangfire}
bin=$(pg_bin)
partial="$1.partial"
# Written aside and renamed, so a failed dump never leaves a file that looks like a backup.
"$bin/pg_dump" --format=custom --no-owner --no-privileges --schema=public --schema="$hangfire" --file="$partial" \
  || { rm -f "$partial"; echo "The backup failed (above); nothing was written to $1." >&2; exit 1; }
mv "$partial" "$1"
echo "backup: $PGDATABASE on ${PGHOST:-localhost}:${PGPORT:-5432} → $1 ($(du -h "$1" | cut -f1))"
