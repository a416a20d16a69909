#!/usr/bin/env bash
# A province-sized deployment on this machine's loopback, everything under one temp directory:
# PostgreSQL 15, Redis, nginx (TLS with a throwaway certificate, load balancing), CLUSTER_WEB_SERVERS
# gunicorn app servers (config/gunicorn.py, DEBUG off, TRUSTED_PROXY_COUNT=1) and
# CLUSTER_TASK_WORKERS `manage.py qcluster` workers on the cluster's PostgreSQL (ORM broker), the
# first of them alone running the schedules (TASK_SCHEDULER). Demo data loaded (manage.py load_demo).
#
#   scripts/cluster.sh start [DIR]        # start; prints the address; writes DIR/cluster.env
#   scripts/cluster.sh stop DIR           # stop everything started in DIR and remove DIR
#   scripts/cluster.sh run COMMAND...     # start, run COMMAND with CLUSTER_ENV=DIR/cluster.env, stop
#                                         # (even on failure or Ctrl-C); exits with COMMAND's status
#   scripts/cluster.sh redis-restart DIR  # stop Redis and start it again, empty, on the same port
#   scripts/cluster.sh web-start DIR N    # (re)start app server N (1-based) on its port
#   scripts/cluster.sh worker-start DIR N # (re)start task worker N (1 runs the schedules)
#
# DIR/cluster.env (shell syntax, also read by tests/cluster/) names the addresses and the pid files.
# Every port is a free loopback port picked at start, so two clusters never collide.
# Knobs (environment): CLUSTER_WEB_SERVERS (3), CLUSTER_WEB_WORKERS (gunicorn workers each, 2),
# CLUSTER_TASK_WORKERS (2), CLUSTER_ACCESS_LOGS (set: each app server logs its requests, which
# tests/cluster/ counts to see the load spread), CLUSTER_WORKER_SETTINGS (the workers' DJANGO_SETTINGS_MODULE,
# config.settings), CLUSTER_DEMO (1: load the demo data), and any of the app's own settings
# (TASK_TIMEOUT, AXES_FAILURE_LIMIT, ...) which are passed to every process.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-$ROOT/.venv/bin/python}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
log() { echo "cluster: $*" >&2; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
nginx_bin() { command -v nginx || echo /usr/sbin/nginx; }

wait_port() {  # wait_port PORT SECONDS WHAT LOG
  local port=$1 seconds=$2 what=$3 logfile=$4
  for _ in $(seq $((seconds * 5))); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), timeout=1)" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  log "$what did not listen on $port after ${seconds}s; its log:"; tail -n 40 "$logfile" >&2 || true
  return 1
}

# The environment every app process gets (app servers, workers, manage.py).
app_env() {
  # shellcheck disable=SC1091
  . "$1/cluster.env"
  export DJANGO_SETTINGS_MODULE=config.settings DEBUG=false SECRET_KEY SITE_URL="$CLUSTER_URL"
  export ALLOWED_HOSTS=127.0.0.1,localhost TRUSTED_PROXY_COUNT=1 DATABASE_URL REDIS_URL
  export STATIC_ROOT="$1/static" MEDIA_ROOT="$1/media" LOG_LEVEL=${LOG_LEVEL:-WARNING} PYTHONUNBUFFERED=1
}

web_start() {  # web_start DIR N
  local dir=$1 n=$2 port
  ( app_env "$dir"
    port=$(cut -d, -f"$n" <<<"$CLUSTER_WEB_PORTS")
    cd "$ROOT"
    setsid "$PY" -m gunicorn -c config/gunicorn.py config.wsgi --workers "${CLUSTER_WEB_WORKERS:-2}" \
      --bind "127.0.0.1:$port" --pid "$dir/web-$n.pid" --control-socket "$dir/web-$n.ctl" \
      ${CLUSTER_ACCESS_LOGS:+--access-logfile "$dir/logs/web-$n.access.log"} >>"$dir/logs/web-$n.log" 2>&1 </dev/null &
    wait_port "$port" 60 "app server $n" "$dir/logs/web-$n.log" )
}

worker_start() {  # worker_start DIR N: a qcluster in a session of its own (killed as a group)
  local dir=$1 n=$2
  ( app_env "$dir"; cd "$ROOT"
    export DJANGO_SETTINGS_MODULE=${CLUSTER_WORKER_SETTINGS:-config.settings}
    # One scheduler: the first worker turns the schedules into tasks, the others only run tasks.
    if [ "$n" = 1 ]; then export TASK_SCHEDULER=true; else export TASK_SCHEDULER=false; fi
    # django-q2 logs which task each process takes at INFO (tests/cluster/ reads it).
    export LOG_LEVEL=INFO
    setsid "$PY" manage.py qcluster >>"$dir/logs/worker-$n.log" 2>&1 </dev/null &
    echo $! >"$dir/worker-$n.pid" )
}

redis_start() {
  local dir=$1
  # shellcheck disable=SC1091
  . "$dir/cluster.env"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --pidfile "$dir/redis.pid" --dir "$dir/redis" \
    --save "" --appendonly no --logfile "$dir/logs/redis.log"
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  log "Redis did not start"; tail -n 20 "$dir/logs/redis.log" >&2; return 1
}

redis_stop() {
  local dir=$1 pid
  [ -f "$dir/redis.pid" ] || return 0
  pid=$(cat "$dir/redis.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$dir/redis.pid"
}

nginx_conf() {  # the load balancer: one TLS address over every app server, and one per server ("pinned")
  local dir=$1 n port upstreams="" pinned=""
  # shellcheck disable=SC1091
  . "$dir/cluster.env"
  IFS=, read -ra webs <<<"$CLUSTER_WEB_PORTS"
  IFS=, read -ra pins <<<"$CLUSTER_PINNED_PORTS"
  for n in "${!webs[@]}"; do
    upstreams+="    server 127.0.0.1:${webs[$n]} max_fails=1 fail_timeout=5s;"$'\n'
    pinned+="  upstream web$((n + 1)) { server 127.0.0.1:${webs[$n]}; }
  server { listen 127.0.0.1:${pins[$n]} ssl; include $dir/nginx/site.conf; location / { proxy_pass http://web$((n + 1)); include $dir/nginx/proxy.conf; } }
"
  done
  mkdir -p "$dir/nginx/logs"
  cat >"$dir/nginx/proxy.conf" <<EOF
proxy_set_header Host \$http_host;  # with the port: the pinned addresses pass the CSRF origin check
proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
proxy_set_header X-Forwarded-Proto \$scheme;
proxy_read_timeout 120s;
EOF
  cat >"$dir/nginx/site.conf" <<EOF
ssl_certificate $dir/tls/cert.pem;
ssl_certificate_key $dir/tls/key.pem;
client_max_body_size 6m;
location /static/ { alias $dir/static/; expires 1y; access_log off; }
EOF
  cat >"$dir/nginx/nginx.conf" <<EOF
# The cluster's nginx (scripts/cluster.sh); deploy/nginx/cchc.conf is the production one.
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/logs/nginx-error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $dir/nginx/client_body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  # A server that refuses the connection (killed) is skipped for fail_timeout; requests not yet
  # sent go to the next one (nginx never re-sends a POST it has already passed on).
  upstream app {
$upstreams  }
  server {
    listen 127.0.0.1:$CLUSTER_HTTPS_PORT ssl;
    include $dir/nginx/site.conf;
    location / {
      proxy_pass http://app;
      include $dir/nginx/proxy.conf;
    }
  }
$pinned}
EOF
}

start() {
  local dir=${1:-}
  if [ -z "$dir" ]; then dir=$(mktemp -d /tmp/cchc-cluster.XXXXXX); fi
  mkdir -p "$dir"/{logs,redis,media,tls}
  chmod 755 "$dir"  # nginx's workers (nobody) read the static files; the postgres user its data
  local pgbin webs=${CLUSTER_WEB_SERVERS:-3} workers=${CLUSTER_TASK_WORKERS:-2} n
  pgbin=$(pg_bin)
  [ -x "$pgbin/initdb" ] || { log "PostgreSQL is missing: apt-get install postgresql (make cluster does it as root)"; exit 1; }
  command -v redis-server >/dev/null || { log "redis-server is missing: apt-get install redis-server"; exit 1; }
  [ -x "$(nginx_bin)" ] || { log "nginx is missing: apt-get install nginx-light"; exit 1; }
  [ -x "$PY" ] || { log "$PY is missing: run make .venv/.installed first (make cluster does)"; exit 1; }

  local pg_port redis_port https_port web_ports="" pinned_ports=""
  pg_port=$(free_port); redis_port=$(free_port); https_port=$(free_port)
  for n in $(seq "$webs"); do web_ports+="${web_ports:+,}$(free_port)"; pinned_ports+="${pinned_ports:+,}$(free_port)"; done
  cat >"$dir/cluster.env" <<EOF
CLUSTER_DIR=$dir
CLUSTER_URL=https://127.0.0.1:$https_port
CLUSTER_HTTPS_PORT=$https_port
CLUSTER_WEB_PORTS=$web_ports
CLUSTER_PINNED_PORTS=$pinned_ports
CLUSTER_TASK_WORKERS=$workers
CLUSTER_PG_DATA=$dir/pg
CLUSTER_PG_BIN=$pgbin
PG_PORT=$pg_port
DATABASE_URL=postgres://app:app@127.0.0.1:$pg_port/app
REDIS_PORT=$redis_port
REDIS_URL=redis://127.0.0.1:$redis_port/0
SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
EOF

  log "PostgreSQL on 127.0.0.1:$pg_port"
  install -d -m 700 "$dir/pg"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir/pg"; fi
  as_postgres "$pgbin/initdb" -D "$dir/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  # A test cluster: no fsync (a crash of this machine loses it anyway); max_connections for
  # every gunicorn and qcluster process with its persistent connection, plus the checks.
  as_postgres "$pgbin/pg_ctl" -D "$dir/pg" -l "$dir/pg/server.log" -w -t 30 start \
    -o "-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
  as_postgres psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres \
    -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB" -c "CREATE DATABASE app OWNER app" >/dev/null

  log "Redis on 127.0.0.1:$redis_port"
  redis_start "$dir"

  # The app's environment, as every process of the cluster gets it (tests/cluster/ reads it too).
  ( app_env "$dir"
    for name in DJANGO_SETTINGS_MODULE DEBUG SECRET_KEY SITE_URL ALLOWED_HOSTS TRUSTED_PROXY_COUNT DATABASE_URL \
                REDIS_URL STATIC_ROOT MEDIA_ROOT LOG_LEVEL PYTHONUNBUFFERED; do echo "$name=${!name}"; done >"$dir/app.env" )

  log "migrate, static files, demo data"
  ( app_env "$dir"; cd "$ROOT"
    "$PY" manage.py migrate --noinput -v 0
    "$PY" manage.py collectstatic --noinput -v 0
    if [ "${CLUSTER_DEMO:-1}" = 1 ]; then "$PY" manage.py load_demo >"$dir/logs/demo.log"; "$PY" manage.py update_report_tallies >/dev/null; fi )

  log "$webs app servers on ${web_ports//,/, }"
  for n in $(seq "$webs"); do web_start "$dir" "$n"; done

  log "$workers task workers (the first runs the schedules)"
  for n in $(seq "$workers"); do worker_start "$dir" "$n"; done

  log "nginx (TLS, throwaway certificate) on 127.0.0.1:$https_port"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" 2>/dev/null
  chmod 644 "$dir/tls/key.pem"  # a throwaway key, read by nginx's workers
  nginx_conf "$dir"
  "$(nginx_bin)" -t -q -c "$dir/nginx/nginx.conf" -p "$dir/nginx"
  "$(nginx_bin)" -c "$dir/nginx/nginx.conf" -p "$dir/nginx"
  wait_port "$https_port" 20 nginx "$dir/logs/nginx-error.log"
  for n in $(seq "$workers"); do
    kill -0 "$(cat "$dir/worker-$n.pid")" 2>/dev/null || { log "task worker $n stopped:"; tail -n 30 "$dir/logs/worker-$n.log" >&2; return 1; }
  done
  echo "$dir"
  log "up: $(. "$dir/cluster.env"; echo "$CLUSTER_URL") (self-signed certificate; demo logins in $dir/logs/demo.log)"
  log "stop with: scripts/cluster.sh stop $dir"
}

stop_pidfile() {  # stop_pidfile FILE: SIGTERM to the process group, SIGKILL after 20 s
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

stop() {
  local dir=$1 file
  [ -f "$dir/cluster.env" ] || { log "$dir is not a cluster's directory"; return 1; }
  # shellcheck disable=SC1091
  . "$dir/cluster.env"
  if [ -f "$dir/nginx/nginx.pid" ]; then "$(nginx_bin)" -c "$dir/nginx/nginx.conf" -p "$dir/nginx" -s stop 2>/dev/null || true; fi
  for file in "$dir"/worker-*.pid "$dir"/web-*.pid; do [ -e "$file" ] && stop_pidfile "$file"; done
  redis_stop "$dir"
  if [ -f "$CLUSTER_PG_DATA/postmaster.pid" ]; then
    as_postgres "$CLUSTER_PG_BIN/pg_ctl" -D "$CLUSTER_PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  log "stopped and removed $dir"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop "$2" ;;
  redis-restart) redis_stop "$2"; redis_start "$2" ;;
  web-start) web_start "$2" "$3" ;;
  worker-start) worker_start "$2" "$3" ;;
  run)
    shift
    dir=$(mktemp -d /tmp/cchc-cluster.XXXXXX)
    trap 'stop "$dir"' EXIT
    child=
    on_signal() {
      if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi
      exit "$1"
    }
    trap 'on_signal 130' INT
    trap 'on_signal 143' TERM
    start "$dir" >/dev/null
    status=0
    CLUSTER_ENV=$dir/cluster.env "$@" &
    child=$!
    wait "$child" || status=$?
    exit "$status"
    ;;
  *) sed -n 2,23p "$0" >&2; exit 2 ;;
esac
