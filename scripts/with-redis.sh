#!/usr/bin/env bash
# Run a command beside a throwaway Redis on a free loopback port, then stop it, whatever the
# command's outcome (recipes.md). The command sees REDIS_TEST_URL (redis://127.0.0.1:PORT); the
# suite keeps its own cache and sessions, and the rate-limit tests also run on this Redis
# (tests/accounts/test_ratelimit.py). Without redis-server the command runs alone.
#
#   scripts/with-redis.sh COMMAND...
set -euo pipefail
if [ $# -eq 0 ]; then echo "usage: $0 COMMAND..." >&2; exit 2; fi
if ! command -v redis-server >/dev/null; then
  echo "redis-server is missing: the rate limits are not tested on Redis (apt-get install redis-server)." >&2
  exec "$@"
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
tmp=$(mktemp -d "${TMPDIR:-/tmp}/with-redis.XXXXXX")
cleanup() {
  if [ -f "$tmp/redis.pid" ]; then
    pid=$(cat "$tmp/redis.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
child=
on_signal() {
  if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi
  exit "$1"
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --pidfile "$tmp/redis.pid" --dir "$tmp" \
  --save "" --appendonly no --logfile "$tmp/redis.log"
for _ in $(seq 50); do
  if redis-cli -p "$port" ping >/dev/null 2>&1; then break; fi
  sleep 0.1
done
if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
  echo "Redis did not start on port $port; its log:" >&2
  cat "$tmp/redis.log" >&2 || true
  exit 1
fi
echo "Redis $(redis-server --version | awk '{print $3}') on 127.0.0.1:$port"

export REDIS_TEST_URL="redis://127.0.0.1:$port"
status=0
"$@" &
child=$!
wait "$child" || status=$?
exit "$status"
