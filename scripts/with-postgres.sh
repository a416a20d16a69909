#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster on PORT, then stop and remove the cluster.
# Usage: scripts/with-postgres.sh PORT COMMAND...
set -euo pipefail
port=$1; shift
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
tmp=$(mktemp -d)
pgdata=$tmp/pg
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
install -d -m 700 "$pgdata"
[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$tmp"
as_postgres "$pgbin/initdb" -D "$pgdata" -U postgres -A trust -E UTF8 --no-sync >/dev/null
as_postgres "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w start \
  -o "-p $port -k $pgdata -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >/dev/null
cleanup() { as_postgres "$pgbin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
as_postgres psql -q -h 127.0.0.1 -p "$port" -U postgres \
  -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB" -c "CREATE DATABASE app OWNER app"
export DATABASE_URL="postgres://app:app@127.0.0.1:$port/app"
"$@"
