#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster, then stop and remove the cluster, whatever
# the command's outcome (recipes.md). The command sees DATABASE_URL and exits with its own status.
#
#   scripts/with-postgres.sh [--port N] COMMAND...
#
# Without --port (or with PG_PORT unset) a free loopback port is picked, so several runs on one
# machine (developers working side by side) never collide with each other or with a server on 5432.
set -euo pipefail

port=${PG_PORT:-}
if [ "${1:-}" = "--port" ]; then port=$2; shift 2; fi
if [ $# -eq 0 ]; then echo "usage: $0 [--port N] COMMAND..." >&2; exit 2; fi

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "PostgreSQL server binaries are missing: run 'apt-get install postgresql' (make test-pg does it as root)." >&2
  exit 1
fi
if [ -z "$port" ]; then
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi

# initdb refuses to run as root: as root, the cluster belongs to the postgres system user, in /tmp
# (a TMPDIR under /root would be out of that user's reach).
if [ "$(id -u)" = 0 ]; then
  tmp=$(mktemp -d /tmp/with-postgres.XXXXXX)
  as_postgres() { runuser -u postgres -- "$@"; }
  chown postgres:postgres "$tmp"
else
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/with-postgres.XXXXXX")
  as_postgres() { "$@"; }
fi
pgdata=$tmp/pg
started=
cleanup() {
  if [ -n "$started" ]; then as_postgres "$pgbin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
# An interrupted run (Ctrl-C, CI timeout) stops the command, then goes through cleanup. The command
# runs in the background and is waited for, because bash delays traps until a foreground child ends.
child=
on_signal() {
  if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi
  exit "$1"
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

as_postgres "$pgbin/initdb" -D "$pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
if ! as_postgres "$pgbin/pg_ctl" -D "$pgdata" -l "$tmp/server.log" -w -t 30 start \
     -o "-p $port -k $pgdata -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" >/dev/null; then
  echo "PostgreSQL did not start on port $port; its log:" >&2
  cat "$tmp/server.log" >&2 || true
  exit 1
fi
started=yes
# The role needs CREATEDB: Django creates test_app, and test_app_gw0, test_app_gw1 under xdist.
as_postgres psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres \
  -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB" -c "CREATE DATABASE app OWNER app" >/dev/null
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $pgdata)"

export DATABASE_URL="postgres://app:app@127.0.0.1:$port/app"
status=0
"$@" &
child=$!
wait "$child" || status=$?
exit "$status"
