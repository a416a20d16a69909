"""The close on real workers: `manage.py qcluster` processes on loopback, against a database of
their own (a SQLite file; under `make test-pg`, a PostgreSQL database too). A cluster SIGKILLed in
the middle of a close (a machine lost) leaves its task in the queue; another cluster takes it
after Q_CLUSTER's `retry` and finishes the run, with the ranking, the prizes and the snapshot's
SHA-256 of an uninterrupted close of a copy of the same data."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT, RETRY = 20, 25

# Ten residents who took a round that has ended; the round's contest has two individual prizes.
# Some answered alike: their flags stay undecided and both closes are given a reason not to wait.
SEED = """
import django
django.setup()
from datetime import timedelta
from django.utils import timezone
from accounts.models import UnitKind
from accounts.roles import Role
from tests.contests.helpers import make_contest, make_round, take
from tests.factories import make_unit, make_user
now = timezone.now().replace(microsecond=0)
commune = make_unit("Xã Thử", kind=UnitKind.COMMUNE)
village = make_unit("Thôn Một", kind=UnitKind.VILLAGE, parent=commune, headcount=20)
round_ = make_round(make_contest(slug="thu-tien-trinh", individual_prizes=2, unit_prizes=1),
                    opens_at=now - timedelta(days=3), closes_at=now - timedelta(days=1))
for n in range(10):
    user = make_user(role=Role.RESIDENT, unit=village, full_name=f"Người Thử {n}", show_on_leaderboard=n % 2 == 0)
    take(round_, user, correct=n % 3, seconds=30 + n % 4, started=now - timedelta(days=2), prediction=n)
"""

REQUEST = """
import django
django.setup()
from contests.closing import round_close_request
from contests.models import Round
print(round_close_request(round_=Round.objects.get(contest__slug="thu-tien-trinh"), actor=None,
                          override_reason="thử nghiệm").pk)
"""


@dataclass
class Database:
    """One of the test's own databases: its URL, reads for the checks, and a copy of it."""

    url: str
    path: Path | None = None  # SQLite

    def query(self, sql: str) -> list[tuple]:
        if self.path is not None:
            connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=20)
            try:
                return connection.execute(sql).fetchall()
            finally:
                connection.close()
        with psycopg.connect(self.url.replace("postgres://", "postgresql://"), autocommit=True) as connection:
            return connection.execute(sql).fetchall()


def _admin_url() -> str:
    return os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def databases(request, tmp_path):
    """(the database the killed cluster works on, its copy closed without interruption)."""
    if request.param == "sqlite":
        killed, twin = tmp_path / "killed.sqlite3", tmp_path / "uninterrupted.sqlite3"
        yield Database(f"sqlite:///{killed}", killed), Database(f"sqlite:///{twin}", twin)
        return
    names = [f"close_worker_{os.getpid()}_{n}" for n in ("killed", "twin")]
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    yield tuple(Database(f"{base}/{name}") for name in names)
    with psycopg.connect(_admin_url().replace("postgres://", "postgresql://"), autocommit=True) as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _create(db: Database) -> None:
    if db.path is None:
        with psycopg.connect(_admin_url().replace("postgres://", "postgresql://"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{db.url.rsplit("/", 1)[1]}"')


def _copy(source: Database, copy: Database) -> None:
    if source.path is not None:
        with sqlite3.connect(source.path) as a, sqlite3.connect(copy.path) as b:
            a.backup(b)
        return
    with psycopg.connect(_admin_url().replace("postgres://", "postgresql://"), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{copy.url.rsplit("/", 1)[1]}" TEMPLATE "{source.url.rsplit("/", 1)[1]}"')


def _env(db: Database, media: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TASK_", "DJANGO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": db.url,
                "MEDIA_ROOT": str(media), "DEBUG": "true", "TASK_TIMEOUT": str(TIMEOUT),
                "TASK_RETRY": str(RETRY), "PYTHONUNBUFFERED": "1", **extra})
    return env


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _closing(db: Database) -> dict:
    row = db.query("SELECT status, step, steps_done, runs FROM contests_roundclosing ORDER BY id DESC LIMIT 1")[0]
    return dict(zip(["status", "step", "steps_done", "runs"], row, strict=True))


def _result(db: Database) -> dict:
    return {
        "sha256": db.query("SELECT snapshot_sha256 FROM quizzes_round")[0][0],
        "ranks": db.query("SELECT user_id, final_rank, prediction_error FROM quizzes_standing ORDER BY user_id"),
        "prizes": db.query("SELECT kind, place, standing_id, unit_id FROM quizzes_prize ORDER BY kind, place"),
    }


def _cluster(env: dict[str, str], log: Path) -> subprocess.Popen:
    # A session of its own, so the whole cluster (sentinel, pusher, workers, monitor) can be killed.
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _wait(what, *, seconds: float, process: subprocess.Popen | None = None, log: Path | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        if process is not None and process.poll() is not None:
            pytest.fail(f"the cluster stopped: {log.read_text()[-3000:] if log else ''}")
        time.sleep(0.2)
    pytest.fail(f"timed out; the cluster's log: {log.read_text()[-3000:] if log else ''}")


def _stop(process: subprocess.Popen) -> None:
    """As Ctrl-C or a service manager stops it: SIGTERM to the cluster's main process, which stops
    its own processes; anything left after 20 s is killed."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_a_close_whose_cluster_is_killed_mid_way_is_finished_by_another_with_the_same_result(databases, tmp_path):
    db, twin = databases
    env = _env(db, tmp_path / "media-killed")
    _create(db)
    _run(["manage.py", "migrate", "--noinput", "-v", "0"], env)
    _run(["-c", SEED], env)
    _copy(db, twin)

    # The same data closed in one go, in-process, as an operator's command does.
    _run(["manage.py", "close_round", "thu-tien-trinh", "1", "--override-reason", "thử nghiệm"],
         _env(twin, tmp_path / "media-twin"))
    expected = _result(twin)
    assert expected["sha256"] and len(expected["prizes"]) == 3

    # Queued from "the page", then a cluster whose worker pauses between steps.
    _run(["-c", REQUEST], env)
    slow = {**env, "DJANGO_SETTINGS_MODULE": "tests.contests.slow_close_settings"}
    log = tmp_path / "qcluster.log"
    first = _cluster(slow, log)
    try:
        _wait(lambda: _closing(db)["step"] == "final_ranks", seconds=60, process=first, log=log)
        # Inside the final ranks' step (rolled back) or the pause after it (done, not recorded).
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(first.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    stopped = _closing(db)
    assert (stopped["status"], stopped["steps_done"], stopped["runs"]) == ("running", 2, 1)
    assert db.query("SELECT closed_at FROM quizzes_round") == [(None,)]
    assert db.query("SELECT COUNT(*) FROM django_q_ormq") == [(1,)]  # the task is still in the queue

    second = _cluster(slow, log)
    try:
        done = _wait(lambda: _closing(db)["status"] == "done" and _closing(db), seconds=RETRY + 60, process=second,
                     log=log)
    finally:
        stopping = time.monotonic()
        _stop(second)
    assert time.monotonic() - stopping < 20, "the cluster did not stop on SIGTERM"
    # Not before the task's receipt expired: never two workers on one run.
    assert time.monotonic() - killed_at >= RETRY - 12
    assert (done["steps_done"], done["runs"]) == (5, 2)
    assert _result(db) == expected
    # Its result saved, the task acknowledged: once.
    saved = db.query("SELECT success FROM django_q_task WHERE func = 'contests.closing.round_closing_run'")
    assert [bool(success) for (success,) in saved] == [True]
    audit = [data if isinstance(data, dict) else json.loads(data)
             for (data,) in db.query("SELECT data FROM accounts_auditentry WHERE action = 'contest.round_close'")]
    assert [data["sha256"] for data in audit] == [expected["sha256"]]
