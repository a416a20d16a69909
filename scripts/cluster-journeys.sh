#!/usr/bin/env bash
# The journeys bench (tests/bench/journeys.py) against the running cluster named by CLUSTER_ENV
# (scripts/cluster.sh run sets it), through nginx's https address, with the CPU of the app servers,
# PostgreSQL and nginx measured apart. Arguments go to journeys.py (e.g. --levels 20 --surge 50).
#
#   bash scripts/cluster.sh run bash scripts/cluster-journeys.sh --levels 20 --surge 50
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
: "${CLUSTER_ENV:?run me through scripts/cluster.sh run}"
# shellcheck disable=SC1090
. "$CLUSTER_ENV"
set -a
# shellcheck disable=SC1091
. "$CLUSTER_DIR/app.env"
set +a
servers=$(ls "$CLUSTER_DIR"/web-*.pid | paste -sd, -)
exec "$ROOT/.venv/bin/python" "$ROOT/tests/bench/journeys.py" --base-url "$CLUSTER_URL" --server-pids "$servers" \
  --database-pids "$CLUSTER_PG_DATA/postmaster.pid" --proxy-pids "$CLUSTER_DIR/nginx/nginx.pid" \
  --server-logs "$CLUSTER_DIR/logs/web-*.log" "$@"
