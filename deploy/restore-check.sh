#!/usr/bin/env bash
# Does a backup restore? Loads a dump (deploy/backup.sh's custom format, or plain SQL) into a
# fresh database, runs the platform's checks against it, then drops it:
#
#   deploy/restore-check.sh DUMP [ADMIN_URL]
#
# ADMIN_URL is a PostgreSQL URL of a role that may create databases (default: DATABASE_URL with
# its database name replaced by "postgres"). The checks: pg_restore without an error,
# `manage.py check` on the restored database, no migration missing (`migrate --check`), and the
# row counts of the tables that matter printed. Exit status non-zero if any fails.
set -euo pipefail
dump=${1:?usage: $0 DUMP [ADMIN_URL]}
root=$(cd "$(dirname "$0")/.." && pwd)
py=${PY:-$root/.venv/bin/python}
admin=${2:-${DATABASE_URL%/*}/postgres}
name="cchc_restore_check_$(date +%s)_$$"
fresh="${admin%/*}/$name"
psql -X -q -v ON_ERROR_STOP=1 "$admin" -c "CREATE DATABASE \"$name\""
trap 'psql -X -q "$admin" -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
if head -c 5 "$dump" | grep -q PGDMP; then
  pg_restore --no-owner --exit-on-error --dbname="$fresh" "$dump"
else
  psql -X -q -v ON_ERROR_STOP=1 "$fresh" -f "$dump" >/dev/null
fi
cd "$root"
export DATABASE_URL=$fresh
"$py" manage.py check
"$py" manage.py migrate --check --noinput >/dev/null || { echo "restore-check: migrations are missing from the dump" >&2; exit 1; }
psql -X -q -A -t "$fresh" -c "SELECT 'accounts: ' || (SELECT COUNT(*) FROM accounts_user)
  || ', attempts: ' || (SELECT COUNT(*) FROM quizzes_attempt)
  || ', standings: ' || (SELECT COUNT(*) FROM quizzes_standing)
  || ', audit entries: ' || (SELECT COUNT(*) FROM accounts_auditentry)"
echo "restore-check: $dump restores and passes manage.py check"
