#!/usr/bin/env python
"""Fuzz the REST API against its own OpenAPI schema with schemathesis (`make test-api-schema`).

    .venv/bin/python scripts/api_schema.py SCHEMATHESIS_BIN [extra schemathesis options...]

Starts gunicorn (2 workers, DEBUG off) on a free loopback port with the demo data in a throwaway
SQLite database, makes sure the demo staff member (0905000003) has a quiz open to take, obtains
their API token, and runs `schemathesis run <server>/api/schema/ --checks all` with it. Exit
status: schemathesis' own (0 when no 5xx, no schema violation, no undocumented status code).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEMO_LOGIN = "0905000003"
DEMO_PASSWORD = "DongTraBong@2025"  # noqa: S105 - the published demo login (README)
# Bounded so CI spends a few minutes at most: examples per operation, and a time budget.
MAX_EXAMPLES = os.environ.get("SCHEMA_MAX_EXAMPLES", "60")
MAX_SECONDS = os.environ.get("SCHEMA_MAX_SECONDS", "240")

SEED_QUIZ = """
from django.db.models import Count, Q
from quizzes.models import Audience, Question, QuestionStatus, Quiz, QuizDrawRule, Topic

# A quiz for everyone drawn from the demo bank, so every operation has something real to act on.
quiz, created = Quiz.objects.get_or_create(
    slug="api-schema-demo",
    defaults={"title": "Bài kiểm tra thử API", "audience": Audience.BOTH, "time_limit_seconds": 600,
              "attempts_allowed": None},
)
if created:
    topics = Topic.objects.annotate(n=Count("questions", filter=Q(
        questions__status=QuestionStatus.PUBLISHED, questions__audience=Audience.BOTH))).filter(n__gte=2)
    for topic in topics[:3]:
        QuizDrawRule.objects.create(quiz=quiz, topic=topic, count=2)
    if not topics.exists():
        raise SystemExit("the demo bank has no published questions for everyone")
print("quiz", quiz.pk)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def wait_until_up(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server at {base} did not come up")


def obtain_token(base: str) -> str:
    body = json.dumps({"username": DEMO_LOGIN, "password": DEMO_PASSWORD}).encode()
    request = urllib.request.Request(f"{base}/api/auth/token/", data=body,  # noqa: S310
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.load(response)["token"]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    schemathesis, extra = str(Path(argv[0]).resolve()), argv[1:]
    tmp = Path(tempfile.mkdtemp(prefix="api-schema-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SITE_URL": base,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        # Schemathesis sends hundreds of wrong logins from one address: the lockout must not
        # end the run (a locked-out 429 is still checked, as the first requests see it).
        "AXES_FAILURE_LIMIT": "100000",
        "LOGIN_FAILURES_PER_ACCOUNT": "100000",
        "LOGIN_FAILURES_PER_ADDRESS": "100000",
        # And hundreds of starts: the contest-start limits must not end it either.
        "CONTEST_STARTS_PER_PERSON": "100000",
        "CONTEST_STARTS_PER_ADDRESS": "100000",
    }
    manage(env, "migrate", "--noinput", "-v", "0")
    # DEBUG is off: pages (the 404 page the fuzzer's odd paths get, too) need the hashed static files.
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "load_demo")
    manage(env, "shell", "-c", SEED_QUIZ)
    # The server's own log (each refused request is a warning line) goes to a file, read after.
    server_log = (tmp / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [PYTHON, "-m", "gunicorn", "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         # gunicorn's own 414 for a request line over 4 KB (the fuzzer's long query strings) comes
         # before Django and is the reverse proxy's job in production: lifted so the fuzzer
         # reaches the application.
         "--limit-request-line", "0"],
        cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(base)
        token = obtain_token(base)
        command = [
            schemathesis, "--config-file", str(ROOT / "scripts" / "schemathesis.toml"),
            "run", f"{base}/api/schema/", "--checks", "all",
            "-H", f"Authorization: Token {token}",
            # One worker: with two, CPython 3.11's ast module (hypothesis reads lambdas' source with it) is
            # not thread-safe and schemathesis stops with "AST constructor recursion depth mismatch".
            "--max-examples", MAX_EXAMPLES, "--max-time", MAX_SECONDS, "--workers", "1",
            "--seed", os.environ.get("SCHEMA_SEED", "20250"), *extra,
        ]
        print("$", " ".join(c if not c.startswith("Authorization") else "Authorization: Token …" for c in command))
        status = subprocess.run(command, cwd=tmp).returncode  # noqa: S603
        log = (tmp / "server.log").read_text(errors="replace")
        marks = [log.find(mark) for mark in ("Traceback", "Internal Server Error") if mark in log]
        if marks:
            first = min(marks)
            print("the server logged errors; the first one:\n" + log[max(0, first - 2000):first + 6000],
                  file=sys.stderr)
            status = status or 1
        return status
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
