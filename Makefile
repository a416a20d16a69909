# The two commands of the README: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PORT ?= 8000
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get
# System tools are installed with apt on CI, or when asked (make run INSTALL_SYSTEM=1).
CAN_APT := $(if $(or $(CI),$(INSTALL_SYSTEM)),yes,)

.PHONY: run test lint test-pg test-e2e test-proxy test-cluster cluster cluster-stop cluster-deps bench-cluster test-api-schema bench bench-journeys bench-journeys-smoke ci system-deps messages clean

$(VENV)/.system-ok:
	@if ! $(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then \
	  echo "Python 3.11 or newer is needed: install python3 (Debian: apt-get install python3 python3-venv)."; exit 1; fi
	@if ! $(PYTHON) -m venv --help >/dev/null 2>&1 || ! $(PYTHON) -c 'import ensurepip' 2>/dev/null; then \
	  if [ -n "$(CAN_APT)" ] || [ "$$(id -u)" = 0 ]; then $(APT_GET) update -qq && $(APT_GET) install -y -qq python3-venv >/dev/null; \
	  else echo "python3-venv is missing: run 'sudo apt-get install python3-venv' and try again."; exit 1; fi; fi
	@if ! command -v msgfmt >/dev/null; then \
	  if [ -n "$(CAN_APT)" ] || [ "$$(id -u)" = 0 ]; then $(APT_GET) update -qq && $(APT_GET) install -y -qq gettext >/dev/null; \
	  else echo "gettext is missing: run 'sudo apt-get install gettext' and try again."; exit 1; fi; fi
	@mkdir -p $(VENV) && touch $@

$(VENV)/.installed: requirements.txt $(VENV)/.system-ok
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv -v 0

run: $(VENV)/.installed messages
	$(PY) manage.py migrate --noinput     # also creates the task queue's schedules (config/tasks.py)
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py load_demo
	$(PY) manage.py update_report_tallies
	@echo "Serving on http://127.0.0.1:$(PORT)/ with the task queue's worker (manage.py qcluster) beside it; Ctrl-C stops both"
	@$(PY) manage.py qcluster & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/translate.py --check

test: $(VENV)/.installed-dev messages lint
	$(PY) manage.py collectstatic --noinput -v 0
	$(VENV)/bin/pytest -n 2 -q

# The same suite on a throwaway PostgreSQL cluster on its own port (recipes.md); PG_PORT=5433
# pins the port, otherwise a free one is picked. The cluster is removed even when tests fail.
# A throwaway Redis beside it (scripts/with-redis.sh): the rate limits are tested on it too.
test-pg: $(VENV)/.installed-dev messages
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ -n "$(CAN_APT)" ] || [ "$$(id -u)" = 0 ]; then $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends postgresql >/dev/null; \
	  else echo "PostgreSQL is missing: run 'sudo apt-get install postgresql' and try again."; exit 1; fi; fi
	$(PY) manage.py collectstatic --noinput -v 0
	@if ! command -v redis-server >/dev/null; then \
	  if [ -n "$(CAN_APT)" ] || [ "$$(id -u)" = 0 ]; then $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends redis-server >/dev/null; \
	  else echo "redis-server is missing: the rate limits are not tested on Redis (sudo apt-get install redis-server)."; fi; fi
	PG_PORT=$(PG_PORT) bash scripts/with-redis.sh bash scripts/with-postgres.sh $(VENV)/bin/pytest -n 2 -q

$(VENV)/.installed-e2e: requirements-e2e.txt $(VENV)/.installed-dev
	$(PIP) install -q --disable-pip-version-check -r requirements-e2e.txt
	@touch $@

# axe-core, pinned with its checksum in package-lock.json, into the git-ignored node_modules/.
node_modules/.installed: package.json package-lock.json
	@if ! command -v npm >/dev/null; then \
	  if [ -n "$(CAN_APT)" ] || [ "$$(id -u)" = 0 ]; then $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends npm >/dev/null; \
	  else echo "npm is missing: run 'sudo apt-get install npm' and try again."; exit 1; fi; fi
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Browser tests in a pytest call of their own (they switch off Django's async-safety check):
# Debian's Chromium driven by Playwright, never a downloaded browser. Screenshots of every step
# land in tests/e2e/screenshots/ (git-ignored), failures' last screen in its failures/ folder.
test-e2e: $(VENV)/.installed-e2e node_modules/.installed messages
	@if ! command -v chromium >/dev/null; then \
	  if [ -n "$(CAN_APT)" ] || [ "$$(id -u)" = 0 ]; then $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends chromium >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install --no-install-recommends chromium' and try again."; exit 1; fi; fi
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest tests/e2e -q -p no:cacheprovider -o addopts="--strict-markers" \
	  --screenshot=only-on-failure --output=tests/e2e/screenshots/failures

# The person's address through a real nginx (Debian's nginx-light) in front of gunicorn on
# loopback (tests/proxy/): the servers are started and stopped by the tests' own fixture.
test-proxy: $(VENV)/.installed-dev messages
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  if [ -n "$(CAN_APT)" ] || [ "$$(id -u)" = 0 ]; then $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends nginx-light >/dev/null; \
	  else echo "nginx is missing: run 'sudo apt-get install --no-install-recommends nginx-light' and try again."; exit 1; fi; fi
	PATH="$$PATH:/usr/sbin" $(VENV)/bin/pytest tests/proxy -q -p no:cacheprovider -o addopts="--strict-markers"

# The province's deployment on this machine's loopback (scripts/cluster.sh): PostgreSQL, Redis,
# nginx with TLS in front of 3 gunicorn app servers, 2 task workers (one runs the schedules), the
# demo data. `make cluster` leaves it running and prints its address; `make cluster-stop` stops it.
# `make test-cluster` starts one, runs tests/cluster/ against it and removes it, even on failure.
CLUSTER_PACKAGES := postgresql redis-server nginx-light openssl
cluster-deps: $(VENV)/.installed-dev var/bench-venv/.installed messages
	@missing=""; ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	  { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } || missing="$$missing nginx-light"; \
	  command -v openssl >/dev/null || missing="$$missing openssl"; \
	  if [ -n "$$missing" ]; then \
	    if [ -n "$(CAN_APT)" ] || [ "$$(id -u)" = 0 ]; then $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends $$missing >/dev/null; \
	    else echo "Missing:$$missing: run 'sudo apt-get install --no-install-recommends$$missing' and try again."; exit 1; fi; fi

cluster: cluster-deps
	@if [ -f var/cluster-dir ] && [ -d "$$(cat var/cluster-dir)" ]; then echo "A cluster runs in $$(cat var/cluster-dir): make cluster-stop first."; exit 1; fi
	@mkdir -p var && dir=$$(mktemp -d /tmp/cchc-cluster.XXXXXX) && echo "$$dir" > var/cluster-dir && \
	  PATH="$$PATH:/usr/sbin" bash scripts/cluster.sh start "$$dir" >/dev/null || { bash scripts/cluster.sh stop "$$dir"; rm -f var/cluster-dir; exit 1; }
	@. "$$(cat var/cluster-dir)/cluster.env" && echo "The cluster answers on $$CLUSTER_URL/ (self-signed certificate); demo logins: $$CLUSTER_DIR/logs/demo.log; make cluster-stop stops it."

cluster-stop:
	@if [ -f var/cluster-dir ]; then PATH="$$PATH:/usr/sbin" bash scripts/cluster.sh stop "$$(cat var/cluster-dir)" || true; rm -f var/cluster-dir; else echo "No cluster is running (var/cluster-dir is missing)."; fi

test-cluster: cluster-deps
	@# The workers pause between a close's steps (so one can be killed mid-way) and present a task whose
	@# worker died again after 25 s; five wrong passwords lock an account (axes, in PostgreSQL) and
	@# refuse it from any address (the account's limit, in Redis); each server logs its requests.
	PATH="$$PATH:/usr/sbin" CLUSTER_WORKER_SETTINGS=tests.contests.slow_close_settings TASK_TIMEOUT=20 TASK_RETRY=25 \
	  AXES_FAILURE_LIMIT=5 LOGIN_FAILURES_PER_ACCOUNT=5 CLUSTER_ACCESS_LOGS=1 \
	  bash scripts/cluster.sh run $(VENV)/bin/pytest tests/cluster -q -p no:cacheprovider -o addopts="--strict-markers"

# CPU per journey step with 1 and with 3 app servers (a cluster each, no demo data): the app
# servers', PostgreSQL's and nginx's apart (README, Cluster). CLUSTER_JOURNEYS_ARGS for journeys.py.
CLUSTER_JOURNEYS_ARGS ?= --levels 20 --level-seconds 30 --surge 50
bench-cluster: cluster-deps
	for servers in 1 3; do PATH="$$PATH:/usr/sbin" CLUSTER_WEB_SERVERS=$$servers CLUSTER_DEMO=0 \
	  bash scripts/cluster.sh run bash scripts/cluster-journeys.sh $(CLUSTER_JOURNEYS_ARGS) || exit 1; done

bench: $(VENV)/.installed-dev messages bench-journeys
	$(PY) tests/bench/run.py

# People's journeys through the pages (tests/bench/journeys.py): residents, civil servants and
# organisers as a phone's browser, on SQLite then on a throwaway PostgreSQL (~15 minutes). The
# load tool runs in a venv of its own (var/bench-venv, requirements-bench.txt).
BENCH_VENV := var/bench-venv
$(BENCH_VENV)/.installed: requirements-bench.txt $(VENV)/.system-ok
	@[ -x $(BENCH_VENV)/bin/python ] || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q --disable-pip-version-check -r requirements-bench.txt
	@touch $@

bench-journeys: $(VENV)/.installed $(BENCH_VENV)/.installed messages
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ -n "$(CAN_APT)" ] || [ "$$(id -u)" = 0 ]; then $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends postgresql >/dev/null; \
	  else echo "PostgreSQL is missing: run 'sudo apt-get install postgresql' and try again."; exit 1; fi; fi
	$(PY) tests/bench/journeys.py $(JOURNEYS_ARGS)

# A few people of each kind for a few seconds, SQLite only (< 1 minute): 0 errors, 0 lost answers.
bench-journeys-smoke: $(VENV)/.installed $(BENCH_VENV)/.installed messages
	$(PY) tests/bench/journeys.py --smoke

# The REST API fuzzed against its own OpenAPI schema by schemathesis, on a running gunicorn with the
# demo data (scripts/api_schema.py). Schemathesis lives in a venv of its own (requirements-ci.txt).
SCHEMA_VENV := var/schemathesis
$(SCHEMA_VENV)/.installed: requirements-ci.txt $(VENV)/.system-ok
	@[ -x $(SCHEMA_VENV)/bin/python ] || $(PYTHON) -m venv $(SCHEMA_VENV)
	$(SCHEMA_VENV)/bin/pip install -q --disable-pip-version-check -r requirements-ci.txt
	@touch $@

test-api-schema: $(VENV)/.installed $(SCHEMA_VENV)/.installed messages
	$(PY) scripts/api_schema.py $(SCHEMA_VENV)/bin/schemathesis

clean:
	rm -rf $(VENV) staticfiles var
