"""SQLite on Django's stock backend, as config/settings.py sets it up for a database file: several
processes writing at once all land, none gets "database is locked", and no update is lost. Each
case runs real processes on a file of its own, whatever database the suite itself runs on.

A writer takes SQLite's lock at BEGIN (transaction_mode IMMEDIATE) and waits for it up to the
busy timeout; the control shows why IMMEDIATE matters: with SQLite's default (DEFERRED) a
transaction that read first cannot take the lock once another writer has committed, and fails at
once (no waiting helps it)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = 4
SECONDS = 0.5

# One writer process: once every writer is ready (a file each beside the database), adds 1 to the
# counter for SECONDS, each time reading it first and writing the new value in one transaction
# (the shape of a submit: read the attempt, then write the grade). Prints its writes and errors.
_WRITER = """
import json, sys, time
from pathlib import Path
import django
django.setup()
from django.conf import settings
from django.db import OperationalError, connection, transaction
mode, ready, processes, seconds = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] = mode
connection.ensure_connection()
(ready / str(time.monotonic_ns())).touch()
while len(list(ready.iterdir())) < processes:
    time.sleep(0.001)
written, failed = 0, []
end = time.monotonic() + seconds
while time.monotonic() < end:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT n FROM counter WHERE id = 1")
            n = cursor.fetchone()[0]
            cursor.execute("UPDATE counter SET n = %s WHERE id = 1", [n + 1])
        written += 1
    except OperationalError as exc:
        failed.append(str(exc))
print(json.dumps([written, failed]))
"""


def _database(tmp_path: Path) -> Path:
    path = tmp_path / "writers.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        setup.execute("INSERT INTO counter (id, n) VALUES (1, 0)")
    setup.close()
    return path


def _write_at_once(path: Path, mode: str) -> tuple[int, int, list[str]]:
    """The counter after PROCESSES writers ran together, the writes they saw succeed, and every
    error they met."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=f"sqlite:///{path}")
    ready = path.parent / "ready"
    ready.mkdir()
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, mode, str(ready), str(PROCESSES), str(SECONDS)],
                                cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for _ in range(PROCESSES)]
    written, errors = 0, []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        done, failed = json.loads(out)
        written += done
        errors += failed
    with sqlite3.connect(path) as check:
        total = check.execute("SELECT n FROM counter WHERE id = 1").fetchone()[0]
    check.close()
    return total, written, errors


def test_concurrent_writers_all_land_without_database_is_locked(tmp_path):
    total, written, errors = _write_at_once(_database(tmp_path), "IMMEDIATE")
    assert errors == []
    assert total == written > PROCESSES


def test_control_deferred_transactions_that_read_first_fail_under_concurrent_writers(tmp_path):
    total, written, errors = _write_at_once(_database(tmp_path), "DEFERRED")
    assert errors, "the control found no conflict: the writers did not overlap"
    assert set(errors) == {"database is locked"}
    assert total == written
