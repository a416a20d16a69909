"""Production settings: with DEBUG off and a real secret the deployment checklist is clean, a
missing secret or a malformed variable stops the process, and whitenoise serves hashed,
compressed static files.

Settings are read once per process, so each case runs manage.py (or a short script) in a
subprocess with its own environment.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = "https://cchc.dongtrabong.example.vn"


def _production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="cchc.dongtrabong.example.vn",
        SITE_URL=SITE,
        # Nothing here needs a database; a file in tmp keeps the project's own db untouched.
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    env.update(overrides)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_it_passes_the_deployment_checklist_without_a_single_warning(tmp_path):
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env(tmp_path)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


def test_it_flags_a_weak_secret_key_so_the_check_is_not_blind(tmp_path):
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _production_env(tmp_path, SECRET_KEY="short"),
    )

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]

    result = _run([sys.executable, "manage.py", "check"], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is false" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false, got 'maybe'"),
        ("SECURE_SSL_REDIRECT", "oui", "SECURE_SSL_REDIRECT must be true or false, got 'oui'"),
        ("STAFF_SESSION_HOURS", "8h", "STAFF_SESSION_HOURS must be an integer, got '8h'"),
        ("SITE_URL", "cchc.example.vn", "SITE_URL must be an absolute http(s) URL"),
    ],
)
def test_it_refuses_a_malformed_variable_instead_of_guessing(tmp_path, name, value, message):
    result = _run([sys.executable, "manage.py", "check"], _production_env(tmp_path, **{name: value}))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


# Runs in the subprocess: collect into the temp STATIC_ROOT, then ask the WSGI stack (whitenoise
# in front) for the stylesheet the templates link to, over HTTPS as behind the reverse proxy.
_SERVE_STATIC = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
# The vendored Swagger/ReDoc bundles are two thirds of the bytes and add nothing to what is tested.
call_command("collectstatic", "--noinput", "-v", "0", "--ignore", "drf_spectacular_sidecar")
url = static("css/app.css")
client = Client(HTTP_HOST="cchc.dongtrabong.example.vn")
hashed = client.get(url, secure=True, HTTP_ACCEPT_ENCODING="gzip")
plain = client.get(url, secure=True)
missing = client.get("/static/css/nope.css", secure=True)
json.dump({
    "url": url,
    "status": hashed.status_code,
    "encoding": hashed.get("Content-Encoding"),
    "cache": hashed.get("Cache-Control"),
    "vary": hashed.get("Vary"),
    "compressed_size": int(hashed["Content-Length"]),
    "plain_encoding": plain.get("Content-Encoding"),
    "plain_size": len(b"".join(plain.streaming_content)),
    "missing": missing.status_code,
}, sys.stdout)
"""


def test_whitenoise_serves_hashed_compressed_static_files_when_debug_is_off(tmp_path):
    env = _production_env(tmp_path)

    result = _run([sys.executable, "-c", _SERVE_STATIC], env)

    assert result.returncode == 0, result.stderr
    served = json.loads(result.stdout)
    assert served["url"].startswith("/static/css/app.")
    assert served["url"].endswith(".css")
    assert served["url"] != "/static/css/app.css"  # content-hashed name, so it can be cached for ever
    assert served["status"] == 200
    assert served["encoding"] == "gzip"
    assert "immutable" in served["cache"]
    assert "Accept-Encoding" in served["vary"]
    assert served["compressed_size"] < served["plain_size"]
    assert served["plain_encoding"] is None
    assert served["missing"] == 404
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert manifest["paths"]["css/app.css"] == served["url"].removeprefix("/static/")


def test_the_gunicorn_settings_preload_the_application_and_freeze_it_before_forking(monkeypatch):
    """config/gunicorn.py: what `gunicorn -c config/gunicorn.py` reads (the worker-kill test in
    tests/concurrency runs a real server with it)."""
    import gc
    import runpy

    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    settings = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    assert (settings["preload_app"], settings["workers"], settings["bind"]) == (True, 4, "127.0.0.1:8000")
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    settings["when_ready"](server=None)
    assert frozen == [True]
