#!/usr/bin/env bash
# Restores a dump of scripts/backup.sh into the database named by ConnectionStrings__Runner, in one
# transaction: all of it or nothing. The database must hold no Runner tables yet (a new one), unless --replace
# is given, which drops Runner's and Hangfire's tables there first. Stop the API and workers of that database
# first. Usage: scripts/restore.sh [--replace] FILE.
set -euo pipefail
source "$(dirname "$0")/postgres.sh"

replace=0
if [ "${1:-}" = "--replace" ]; then replace=1; shift; fi
[ $# -eq 1 ] || { echo "Usage: scripts/restore.sh [--replace] FILE (a dump of scripts/backup.sh; the database is ConnectionStrings__Runner)." >&2; exit 2; }
[ -f "$1" ] || { echo "There is no dump at $1." >&2; exit 2; }
[ -n "${ConnectionStrings__Runner:-}" ] || { echo "Set ConnectionStrings__Runner to the database to restore into." >&2; exit 2; }
pg_env_from_connection_string "$ConnectionStrings__Runner"
hangfire=${Queue__SchemaName:-hangfire}
bin=$(pg_bin)

"$bin/pg_restore" --list "$1" >/dev/null 2>&1 || { echo "$1 is not a dump of scripts/backup.sh (pg_restore cannot read it)." >&2; exit 2; }
existing=$("$bin/psql" -tAc "select count(*) from pg_tables where schemaname in ('public', '$hangfire')") \
  || { echo "Cannot reach the database to restore into (above)." >&2; exit 1; }
clean=()
if [ "$existing" -gt 0 ]; then
  [ "$replace" -eq 1 ] || { echo "$PGDATABASE already holds $existing tables of Runner or Hangfire; restore into a new database, or give --replace to drop them first." >&2; exit 2; }
  clean=(--clean --if-exists)
fi
# Every entry of the dump but schema public itself, which every database already has.
list=$(mktemp)
trap 'rm -f "$list"' EXIT
"$bin/pg_restore" --list "$1" | grep -Ev ' (SCHEMA|COMMENT) - (SCHEMA )?public ' > "$list"
"$bin/pg_restore" --single-transaction --exit-on-error --no-owner --no-privileges "${clean[@]}" --use-list="$list" --dbname="$PGDATABASE" "$1" \
  || { echo "The restore failed (above); the database is as it was." >&2; exit 1; }
echo "restore: $1 → $PGDATABASE on ${PGHOST:-localhost}:${PGPORT:-5432}"
