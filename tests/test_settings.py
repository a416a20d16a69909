"""The settings module, configured by environment variables: a fresh clone runs on a tuned SQLite
file with no configuration; DATABASE_URL moves it to PostgreSQL, REDIS_URL moves cache and
sessions to Redis. Settings are read once per process, so each case runs in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Prints what the case needs to see; only on SQLite does it open a connection, to read the PRAGMAs.
_DESCRIBE = """
import json
import django
django.setup()
from django.conf import settings
from django.db import connection
db = settings.DATABASES["default"]
out = {
    "engine": db["ENGINE"], "name": str(db["NAME"]), "options": db.get("OPTIONS", {}),
    "health_checks": db.get("CONN_HEALTH_CHECKS", False),
    "cache": settings.CACHES["default"]["BACKEND"], "sessions": settings.SESSION_ENGINE,
    "time_zone": settings.TIME_ZONE, "use_tz": settings.USE_TZ, "language": settings.LANGUAGE_CODE,
    "allowed_hosts": settings.ALLOWED_HOSTS, "csrf_origins": settings.CSRF_TRUSTED_ORIGINS,
}
if connection.vendor == "sqlite":
    with connection.cursor() as cursor:
        out["pragmas"] = {
            name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
        }
print(json.dumps(out))
"""


def _describe(tmp_path: Path, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "SITE_URL", "TIME_ZONE"}}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings",
                  "DATABASE_URL": f"sqlite:///{tmp_path / 'settings.sqlite3'}", **env})
    result = subprocess.run([sys.executable, "-c", _DESCRIBE], cwd=ROOT, env=clean, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_fresh_clone_runs_on_sqlite_tuned_for_a_web_server(tmp_path):
    described = _describe(tmp_path)

    # Django's own backend, with the options it documents (tests/test_sqlite_writers.py shows
    # concurrent writers all landing with them).
    assert described["engine"] == "django.db.backends.sqlite3"
    assert described["options"] == {
        # Writers take the lock at BEGIN, so two requests never deadlock upgrading a read lock,
        "transaction_mode": "IMMEDIATE",
        # and wait for it up to 20 s (SQLite's busy timeout) instead of failing.
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;",
    }
    assert described["pragmas"] == {"journal_mode": "wal", "synchronous": 1, "busy_timeout": 20000,
                                    "foreign_keys": 1}


def test_it_speaks_vietnamese_on_vietnam_time_by_default(tmp_path):
    described = _describe(tmp_path)

    assert described["language"] == "vi"
    assert described["time_zone"] == "Asia/Ho_Chi_Minh"
    assert described["use_tz"] is True


def test_the_cache_and_sessions_live_in_the_database_without_redis(tmp_path):
    described = _describe(tmp_path)

    # Shared by every worker process, so rate limits hold across gunicorn workers.
    assert described["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert described["sessions"] == "django.contrib.sessions.backends.db"


def test_redis_url_moves_cache_and_sessions_to_redis(tmp_path):
    described = _describe(tmp_path, REDIS_URL="redis://127.0.0.1:6380/0")

    assert described["cache"] == "django.core.cache.backends.redis.RedisCache"
    # Read from Redis, written through to the database: a Redis restart signs no one out
    # (tests/accounts/test_staying_signed_in.py).
    assert described["sessions"] == "django.contrib.sessions.backends.cached_db"


def test_database_url_moves_to_postgresql_with_health_checks(tmp_path):
    described = _describe(tmp_path, DATABASE_URL="postgres://app:secret@db.internal:5432/cchc")

    assert described["engine"] == "django.db.backends.postgresql"
    assert described["name"] == "cchc"
    assert described["health_checks"] is True


def test_on_postgresql_the_server_binds_parameters_unless_a_pooler_forbids_it(tmp_path):
    url = "postgres://app:secret@127.0.0.1:5432/cchc"
    assert _describe(tmp_path, DATABASE_URL=url)["options"] == {"server_side_binding": True}
    assert _describe(tmp_path, DATABASE_URL=url, DB_SERVER_SIDE_BINDING="false")["options"] == {
        "server_side_binding": False}


def test_site_url_sets_the_allowed_host_and_the_trusted_origin(tmp_path):
    described = _describe(tmp_path, SITE_URL="https://cchc.dongtrabong.example.vn/")

    assert "cchc.dongtrabong.example.vn" in described["allowed_hosts"]
    assert described["csrf_origins"] == ["https://cchc.dongtrabong.example.vn"]


def test_a_malformed_database_url_stops_the_process(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL="nosuchdb://x")

    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60, check=False)

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL is not a valid database URL" in result.stderr
