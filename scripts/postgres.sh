# Sourced by start.sh and test.sh: a private PostgreSQL cluster for this checkout, owned by a
# non-root user, listening on loopback only.
#   pg_up      creates (first time) and starts the cluster, then creates the database
#   pg_down    stops it
#   pg_fresh_database NAME   drops and creates NAME, prints its connection string
# Settings (environment): RUNNER_PG_PORT (55432), RUNNER_PG_DATABASE (runner),
# RUNNER_PG_PASSWORD (runner, a local default only), RUNNER_DATA_DIR (<repo>/.data).

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pg_port=${RUNNER_PG_PORT:-55432}
pg_database=${RUNNER_PG_DATABASE:-runner}
pg_password=${RUNNER_PG_PASSWORD:-runner}
pg_role=runner
pg_os_user=$(id -un)

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [ -n "$dir" ] || { echo "PostgreSQL is not installed; run scripts/setup.sh." >&2; return 1; }
  echo "$dir"
}

# PostgreSQL refuses to run as root, so root runs it as a dedicated system user.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$pg_os_user" -- "$@"; else "$@"; fi
}

pg_prepare_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  pg_os_user=runner-pg
  id "$pg_os_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_os_user"
}

pg_data_root() {
  local root=${RUNNER_DATA_DIR:-$repo_root/.data}
  mkdir -p "$root"
  # A checkout inside a private folder (mode 700) cannot be entered by the database user.
  if ! as_pg test -x "$root"; then
    root=/var/tmp/runner-$(printf '%s' "$repo_root" | md5sum | cut -c1-12)
    mkdir -p "$root"
  fi
  echo "$root"
}

pg_connection_string() {
  echo "Host=127.0.0.1;Port=${pg_port};Database=${1:-$pg_database};Username=${pg_role};Password=${pg_password}"
}

# An empty database named $1 (benchmarks start from one); prints its connection string.
pg_fresh_database() {
  PGPASSWORD=$pg_password "$(pg_bin)/psql" -h 127.0.0.1 -p "$pg_port" -U "$pg_role" -d postgres -qc "drop database if exists $1 with (force)" \
    -c "create database $1" >/dev/null
  pg_connection_string "$1"
}

pg_up() {
  local bin root data
  bin=$(pg_bin)
  pg_prepare_user
  root=$(pg_data_root)
  data=$root/pg
  if [ ! -s "$data/PG_VERSION" ]; then
    echo "postgres: creating a private cluster in $data"
    mkdir -p "$data"
    chmod 700 "$data"
    [ "$(id -u)" -ne 0 ] || chown "$pg_os_user" "$data"
    local pwfile
    pwfile=$(mktemp)
    printf '%s\n' "$pg_password" > "$pwfile"
    [ "$(id -u)" -ne 0 ] || chown "$pg_os_user" "$pwfile"
    as_pg "$bin/initdb" -D "$data" -U "$pg_role" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$root/initdb.log" 2>&1 || { cat "$root/initdb.log" >&2; rm -f "$pwfile"; return 1; }
    rm -f "$pwfile"
  fi
  if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    if (exec 3<>"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null; then
      echo "Port $pg_port is already taken by another program; set RUNNER_PG_PORT to a free port." >&2
      return 1
    fi
    [ "$(id -u)" -ne 0 ] || chown "$pg_os_user" "$root"
    as_pg "$bin/pg_ctl" -D "$data" -l "$root/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $data -c max_connections=200 ${RUNNER_PG_OPTIONS:-}" start >/dev/null \
      || { tail -n 20 "$root/postgres.log" >&2; return 1; }
  fi
  if ! PGPASSWORD=$pg_password "$bin/psql" -h 127.0.0.1 -p "$pg_port" -U "$pg_role" -d postgres -tAc \
      "select 1 from pg_database where datname = '$pg_database'" | grep -q 1; then
    PGPASSWORD=$pg_password "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U "$pg_role" "$pg_database"
  fi
  echo "postgres: ready on 127.0.0.1:$pg_port (database $pg_database, data in $data)"
}

pg_is_running() {
  local bin data
  bin=$(pg_bin) || return 1
  pg_prepare_user
  data=$(pg_data_root)/pg
  [ -s "$data/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

pg_down() {
  local bin data
  bin=$(pg_bin)
  pg_prepare_user
  data=$(pg_data_root)/pg
  [ -s "$data/PG_VERSION" ] || return 0
  as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

# Sets PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and PGSSLMODE from an Npgsql connection string
# (Key=Value;… with Npgsql's key names and aliases, any letter case), for pg_dump and pg_restore.
pg_env_from_connection_string() {
  local pair key value
  local IFS=';'
  for pair in $1; do
    [ -n "$pair" ] || continue
    key=$(printf '%s' "${pair%%=*}" | tr '[:upper:]' '[:lower:]' | tr -d ' ')
    value=${pair#*=}
    case "$key" in
      host|server) export PGHOST=$value ;;
      port) export PGPORT=$value ;;
      database|db) export PGDATABASE=$value ;;
      username|userid|user) export PGUSER=$value ;;
      password) export PGPASSWORD=$value ;;
      sslmode) export PGSSLMODE=$(printf '%s' "$value" | tr '[:upper:]' '[:lower:]') ;;
    esac
  done
}
