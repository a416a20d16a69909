"""Workers die mid-request, answers survive: gunicorn with 2 workers on the test's PostgreSQL
database, clients answering and submitting through the API with retries (the same Idempotency-Key
each time), and a killer thread SIGKILLing a worker every ~0.3 s. Afterwards every answer the
server acknowledged is in the database, every attempt is graded exactly once and completely.
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from quizzes.models import Attempt, AttemptStatus
from tests.concurrency.conftest import Reply, call, token_for
from tests.factories import make_user
from tests.quizzes.attempt_factories import make_quiz_with_questions

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CLIENTS = 4
# Enough answers that the run outlasts several kills (a save takes about a millisecond now).
QUESTIONS = 30
# Clients give up (and the test fails) after this; the run takes ~10 s on an idle machine.
PATIENCE = 45
KILL_EVERY = 0.3
ROOT = Path(django_settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _workers(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


@pytest.fixture
def gunicorn(tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ, "DATABASE_URL": _database_url(), "DEBUG": "false", "SECRET_KEY": "k" * 50,
        "SITE_URL": base, "SECURE_SSL_REDIRECT": "false", "STATIC_ROOT": str(tmp_path / "static"),
        "DB_CONN_MAX_AGE": "0", "LOG_LEVEL": "ERROR",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    # The production settings (config/gunicorn.py): the application preloaded, so a replacement
    # worker is a fork of the loaded master, up in milliseconds.
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi", "-w", "2",
         "-b", f"127.0.0.1:{port}", "--timeout", "20"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())
            time.sleep(0.2)
    yield base, server.pid
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()


def _retry(fn) -> Reply:
    """Call until the server answers with something other than a dropped connection or a 5xx
    (a worker killed mid-request), as a client on a flaky network would."""
    deadline = time.monotonic() + PATIENCE
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = fn()
        except (OSError, http.client.HTTPException) as exc:  # URLError, resets, timeouts, cut bodies
            last = exc
        else:
            if last.status < 500:
                return last
        time.sleep(0.05)
    raise AssertionError(f"no answer in {PATIENCE} s (last: {last!r})")


def _take_quiz(base: str, token: str, quiz_id: int, key: str, acknowledged: dict[int, list[int]],
               rng: random.Random) -> Reply:
    started = _retry(lambda: call(f"{base}/api/quizzes/{quiz_id}/attempts/", token=token, timeout=5))
    assert started.status in (200, 201), started
    attempt = started.body
    url = f"{base}/api/attempts/{attempt['id']}"
    for item in attempt["items"]:
        # A first thought, then (often) a change of mind: the last acknowledged one must stick.
        ids = [c["id"] for c in item["choices"]]
        for choice in ([rng.choice(ids)], [rng.choice(ids)])[: rng.randint(1, 2)]:
            body = {"item": item["id"], "choices": choice}
            reply = _retry(lambda body=body: call(f"{url}/answers/", token=token, body=body, timeout=5))
            assert reply.status == 200, reply
            acknowledged[item["id"]] = reply.body["choices"]
    result = _retry(lambda: call(f"{url}/submit/", token=token, headers={"Idempotency-Key": key}, timeout=5))
    assert result.status == 200, result
    return result


def test_killed_workers_lose_no_acknowledged_answer_and_grade_each_attempt_once(gunicorn):
    base, master = gunicorn
    quiz = make_quiz_with_questions(QUESTIONS, attempts_allowed=1)
    people = [make_user(full_name=f"Người thử {n}") for n in range(CLIENTS)]
    tokens = [token_for(person) for person in people]
    acknowledged: list[dict[int, list[int]]] = [{} for _ in people]
    results: list[Reply | BaseException | None] = [None] * CLIENTS
    done = threading.Event()
    kills = 0

    def killer() -> None:
        nonlocal kills
        while not done.wait(KILL_EVERY):
            workers = _workers(master)
            if workers:
                try:
                    os.kill(random.choice(workers), signal.SIGKILL)
                    kills += 1
                except ProcessLookupError:
                    pass

    def client(n: int) -> None:
        try:
            results[n] = _take_quiz(base, tokens[n], quiz.pk, f"client-{n}", acknowledged[n], random.Random(n))
        except BaseException as exc:  # reported in the test's thread
            results[n] = exc

    started = time.monotonic()
    killing = threading.Thread(target=killer)
    killing.start()
    clients = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(timeout=PATIENCE + 10)
    done.set()
    killing.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    assert kills >= 5, f"only {kills} workers killed in {time.monotonic() - started:.1f} s"

    for person, answers, result in zip(people, acknowledged, results, strict=True):
        # One attempt per person (retried starts never made a second), graded once and whole.
        attempt = Attempt.objects.get(quiz=quiz, user=person)
        assert attempt.status == AttemptStatus.SUBMITTED
        assert attempt.submit_key == f"client-{people.index(person)}"
        items = list(attempt.items.all())
        assert len(items) == attempt.max_score == QUESTIONS
        # Every acknowledged answer is there, as last acknowledged.
        assert {item.pk: item.selected for item in items} == answers
        # Graded from exactly what was saved, and the result the client got is the stored one.
        assert all(item.is_correct is item.grade() for item in items)
        assert attempt.score == sum(item.is_correct for item in items)
        assert (result.body["id"], result.body["score"]) == (attempt.pk, attempt.score)

