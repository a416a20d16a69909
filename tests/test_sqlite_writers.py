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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = 4
WRITES = 40

# One writer process: waits for the common start time, then adds 1 to the counter WRITES times,
# each time reading it first and writing the new value in one transaction (the shape of a
# submit: read the attempt, then write the grade), and prints how many of its writes failed.
_WRITER = """
import json, sys, time
import django
django.setup()
from django.conf import settings
from django.db import OperationalError, connection, transaction
mode, start = sys.argv[1], float(sys.argv[2])
settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] = mode
connection.settings_dict["OPTIONS"]["transaction_mode"] = mode
connection.ensure_connection()
while time.time() < start:
    time.sleep(0.001)
failed = []
for _ in range(%d):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT n FROM counter WHERE id = 1")
            n = cursor.fetchone()[0]
            cursor.execute("UPDATE counter SET n = %%s WHERE id = 1", [n + 1])
    except OperationalError as exc:
        failed.append(str(exc))
print(json.dumps(failed))
""" % WRITES


def _database(tmp_path: Path) -> Path:
    path = tmp_path / "writers.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        setup.execute("INSERT INTO counter (id, n) VALUES (1, 0)")
    setup.close()
    return path


def _write_at_once(path: Path, mode: str) -> tuple[int, list[str]]:
    """The counter after PROCESSES writers ran together, and every error they met."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=f"sqlite:///{path}")
    start = str(time.time() + 3)  # every process has set Django up by then
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, mode, start], cwd=ROOT, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(PROCESSES)]
    errors: list[str] = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        errors += json.loads(out)
    with sqlite3.connect(path) as check:
        total = check.execute("SELECT n FROM counter WHERE id = 1").fetchone()[0]
    check.close()
    return total, errors


def test_concurrent_writers_all_land_without_database_is_locked(tmp_path):
    total, errors = _write_at_once(_database(tmp_path), "IMMEDIATE")
    assert errors == []
    assert total == PROCESSES * WRITES


def test_control_deferred_transactions_that_read_first_fail_under_concurrent_writers(tmp_path):
    total, errors = _write_at_once(_database(tmp_path), "DEFERRED")
    assert errors, "the control found no conflict: the writers did not overlap"
    assert {"database is locked"} >= set(errors)
    assert total == PROCESSES * WRITES - len(errors)
