#!/usr/bin/env bash
# A PostgreSQL server of this machine's own, on a unix socket in a folder: no port, no password, no
# system service touched.
#
#   deploy/postgres.sh run -- CMD...   start a throwaway server in a temporary folder, run CMD with
#                                      DATABASE_URL pointing at it, then stop it and remove the folder
#                                      (make test runs the suite this way; fsync is off: nothing to keep)
#   deploy/postgres.sh run --durable -- CMD...   the same with fsync on, as a production server
#                                      commits (make bench-load: writes cost what they cost)
#   deploy/postgres.sh start DIR       start (creating it the first time) a lasting server in DIR and
#                                      print its DATABASE_URL (make serve)
#   deploy/postgres.sh stop DIR        stop it
#
# The server programs come from PATH or /usr/lib/postgresql/*/bin; Debian's postgresql package is
# installed only if they are missing. initdb refuses to run as root: as root the server runs as the
# `postgres` system user, otherwise as the caller.
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }

find_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    PGBIN=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
    return
  fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  if [ -z "$found" ]; then
    echo "postgres.sh: no PostgreSQL server programs; installing Debian's postgresql" >&2
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get install -y -q postgresql >/dev/null 2>&1 || {
      $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q postgresql >/dev/null; }
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
    [ -n "$found" ] || die "PostgreSQL could not be installed"
  fi
  PGBIN=$found
}

# As root, the server's files and process belong to the postgres system user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root needs a 'postgres' system user"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

db_user() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }

# init DIR [extra postgresql.conf lines...]
init() {
  local dir=$1; shift
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$PGBIN/initdb" -D "$dir/data" -U "$(db_user)" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null \
      || as_owner "$PGBIN/initdb" -D "$dir/data" -U "$(db_user)" -A trust -E UTF8 --no-locale >/dev/null
    {
      echo "listen_addresses = ''"            # the unix socket only
      echo "unix_socket_directories = '$dir'"
      echo "max_connections = 200"            # load tests: 4 workers x threads, the test suite's threads
      for line in "$@"; do echo "$line"; done
    } | as_owner tee -a "$dir/data/postgresql.conf" >/dev/null
  fi
}

start() {
  local dir=$1
  as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { cat "$dir/server.log" >&2; die "the server did not start"; }
}

stop() {
  local dir=$1
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
}

# psycopg reads the socket folder from the URL's host parameter.
url() { echo "postgres://$(db_user)@/$2?host=$1"; }

createdb_if_missing() {
  local dir=$1 name=$2
  if ! as_owner "$PGBIN/psql" -h "$dir" -U "$(db_user)" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    as_owner "$PGBIN/createdb" -h "$dir" -U "$(db_user)" "$name"
  fi
}

cmd=${1:-}; shift || true
find_bin
case "$cmd" in
  run)
    durable=""
    [ "${1:-}" = "--durable" ] && { durable=1; shift; }
    [ "${1:-}" = "--" ] && shift
    [ $# -gt 0 ] || die "usage: postgres.sh run [--durable] -- CMD..."
    dir=$(mktemp -d /tmp/birtizim-pg.XXXXXX)
    trap 'stop "$dir"; rm -rf "$dir"' EXIT INT TERM
    if [ -n "$durable" ]; then
      init "$dir"
    else  # a throwaway server for tests: durability is not wanted, speed is
      init "$dir" "fsync = off" "synchronous_commit = off" "full_page_writes = off"
    fi
    start "$dir"
    createdb_if_missing "$dir" birtizim
    DATABASE_URL=$(url "$dir" birtizim) "$@"
    ;;
  start)
    dir=$(readlink -f "${1:?usage: postgres.sh start DIR}")
    init "$dir"
    start "$dir"
    createdb_if_missing "$dir" birtizim
    url "$dir" birtizim
    ;;
  stop)
    dir=$(readlink -f "${1:?usage: postgres.sh stop DIR}")
    stop "$dir"
    ;;
  *) die "usage: postgres.sh run -- CMD... | start DIR | stop DIR" ;;
esac
