"""Real parallel HTTP requests against a live server on PostgreSQL (select_for_update is a no-op
on SQLite, so these run only under `make test-pg`)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import IntegrityError
from rest_framework.authtoken.models import Token

from quizzes.services import attempts
from quizzes.signals import attempt_finished


@dataclass
class Reply:
    status: int
    body: dict | None


def call(url: str, *, token: str, body: dict | None = None, method: str = "POST",
         headers: dict | None = None, timeout: float = 20) -> Reply:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Token {token}", "Content-Type": "application/json", **(headers or {}),
    })
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, json.loads(response.read() or b"null"))
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None  # Django's HTML 500 page
        return Reply(error.code, parsed)


def in_parallel(*calls: Callable[[], Reply]) -> list[Reply]:
    """Run the calls in threads released together by a barrier, so the requests overlap."""
    barrier = threading.Barrier(len(calls), timeout=10)
    results: list[Reply | BaseException | None] = [None] * len(calls)

    def run(n: int, fn: Callable[[], Reply]) -> None:
        barrier.wait()
        try:
            results[n] = fn()
        except BaseException as exc:  # reported below, in the test's thread
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n, fn)) for n, fn in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


def token_for(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


@pytest.fixture
def gradings():
    """The attempt ids graded, once per attempt_finished signal, whichever thread sent it."""
    sent: list[int] = []
    lock = threading.Lock()

    def receiver(sender, attempt, **kwargs):
        with lock:
            sent.append(attempt.pk)

    attempt_finished.connect(receiver, weak=False)
    yield sent
    attempt_finished.disconnect(receiver)


@pytest.fixture
def guards_off(monkeypatch):
    """The control: the attempt services lock nothing (their locking helper replaced by one that
    leaves the query as it is), to show the race each test guards against is real.

    The apps' receivers of attempt_finished (those connected with a dispatch_uid) are set aside
    too: what they write may refuse a second grading of one attempt (a row keyed by the attempt)
    and roll it back before the test's own receiver counts it, which would hide the race."""
    monkeypatch.setattr(attempts, "_for_update", lambda queryset, **kwargs: queryset)
    monkeypatch.setattr(attempt_finished, "receivers",
                        [entry for entry in attempt_finished.receivers if not isinstance(entry[0][0], str)])


@pytest.fixture
def start_collisions(monkeypatch):
    """How many starts found, on inserting their attempt, that another request of the same person
    had inserted one first (the partial unique index of open attempts refused theirs)."""
    collided: list[int] = []
    real = attempts._create_attempt

    def create(**kwargs):
        try:
            return real(**kwargs)
        except IntegrityError:
            collided.append(kwargs["user"].pk)
            raise

    monkeypatch.setattr(attempts, "_create_attempt", create)
    return collided
