"""SQLite's writers wait their turn in the kernel (config/sqlite/base.py): a write transaction or a
single write outside one holds an exclusive flock beside the database file, so a second writer
sleeps until the first is done instead of polling on SQLITE_BUSY. Each case opens its own
database file, whatever database the suite runs on."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

import pytest
from django.db.utils import OperationalError

from config.sqlite.base import LOCK_SUFFIX, DatabaseWrapper


def _connect(path: Path, *, timeout: float = 20, sqlite_waits: bool = True) -> DatabaseWrapper:
    """A connection as config/settings.py configures one (IMMEDIATE transactions, the busy timeout
    `timeout` for SQLite and the queue alike). Without `sqlite_waits`, SQLite's own busy timeout is
    0: a writer that meets SQLite's lock fails at once, so only the queue can make it wait."""
    sqlite_busy_ms = int(timeout * 1000) if sqlite_waits else 0
    wrapper = DatabaseWrapper({
        "ENGINE": "config.sqlite", "NAME": str(path), "USER": "", "PASSWORD": "", "HOST": "", "PORT": "",
        "ATOMIC_REQUESTS": False, "AUTOCOMMIT": True, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None, "TEST": {},
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout,
                    "init_command": f"PRAGMA journal_mode=WAL;PRAGMA busy_timeout={sqlite_busy_ms}"},
    })
    wrapper.ensure_connection()
    return wrapper


def _begin(wrapper: DatabaseWrapper) -> None:
    # What transaction.atomic() does on entering its outermost block.
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _commit(wrapper: DatabaseWrapper) -> None:
    wrapper.commit()
    wrapper.set_autocommit(True)


def _rollback(wrapper: DatabaseWrapper) -> None:
    wrapper.rollback()
    wrapper.set_autocommit(True)


def _queue_is_taken(path: Path) -> bool:
    fd = os.open(f"{path}{LOCK_SUFFIX}", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@pytest.fixture(autouse=True)
def _own_database_files(django_db_blocker):
    # These connections are to the cases' own files, never to the suite's test database.
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def database(tmp_path) -> Path:
    path = tmp_path / "queue.sqlite3"
    setup = _connect(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        cursor.execute("INSERT INTO counter (id, n) VALUES (1, 0)")
    setup.close()
    return path


def test_a_write_transaction_holds_the_queue_until_it_commits_or_rolls_back(database):
    writer = _connect(database)
    _begin(writer)
    assert _queue_is_taken(database)
    with writer.cursor() as cursor:
        cursor.execute("UPDATE counter SET n = n + 1")
    _commit(writer)
    assert not _queue_is_taken(database)

    _begin(writer)
    assert _queue_is_taken(database)
    _rollback(writer)
    assert not _queue_is_taken(database)
    writer.close()


def test_a_single_write_outside_a_transaction_holds_the_queue_while_it_runs(database):
    writer = _connect(database)
    seen = []
    # A function the UPDATE itself calls: it looks at the queue while the statement runs.
    writer.connection.create_function("queue_taken", 0, lambda: seen.append(_queue_is_taken(database)) or 1)
    with writer.cursor() as cursor:
        cursor.execute("UPDATE counter SET n = n + queue_taken()")
        cursor.execute("SELECT queue_taken()")  # a read does not queue
        cursor.executemany("INSERT INTO counter (n) VALUES (queue_taken() + %s)", [(1,), (2,)])
    assert seen == [True, False, True, True]
    assert not _queue_is_taken(database)
    writer.close()


def test_closing_a_connection_in_a_transaction_frees_the_queue(database):
    writer = _connect(database)
    _begin(writer)
    assert _queue_is_taken(database)
    writer.close()
    assert not _queue_is_taken(database)


def test_writers_that_meet_wait_their_turn_instead_of_failing(database):
    # With no busy timeout of its own, SQLite fails a writer that finds the lock taken; the queue
    # makes every writer wait instead, so all the increments land.
    threads, rounds = 4, 150
    errors: list[Exception] = []

    def work() -> None:
        wrapper = _connect(database, sqlite_waits=False)
        try:
            for n in range(rounds):
                if n % 2:
                    _begin(wrapper)
                    with wrapper.cursor() as cursor:
                        cursor.execute("UPDATE counter SET n = n + 1")
                    _commit(wrapper)
                else:
                    with wrapper.cursor() as cursor:
                        cursor.execute("UPDATE counter SET n = n + 1")
        except OperationalError as exc:
            errors.append(exc)
        finally:
            wrapper.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors == []
    reader = _connect(database)
    with reader.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert cursor.fetchone()[0] == threads * rounds
    reader.close()


def test_without_the_queue_those_writers_fail(database, monkeypatch):
    # The control: the same load with the queue switched off loses writes to "database is locked".
    monkeypatch.setattr(DatabaseWrapper, "get_new_connection",
                        lambda self, params: super(DatabaseWrapper, self).get_new_connection(params))
    errors: list[Exception] = []

    def work() -> None:
        wrapper = _connect(database, sqlite_waits=False)
        try:
            for _ in range(300):
                _begin(wrapper)
                with wrapper.cursor() as cursor:
                    cursor.execute("UPDATE counter SET n = n + 1")
                _commit(wrapper)
        except OperationalError as exc:
            errors.append(exc)
            _rollback(wrapper)
        finally:
            wrapper.close()

    workers = [threading.Thread(target=work) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors and all("locked" in str(exc) for exc in errors)


def test_a_writer_waits_no_longer_than_the_busy_timeout(database):
    holder, waiter = _connect(database), _connect(database, timeout=0.3)
    _begin(holder)
    started = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"), waiter.cursor() as cursor:
        cursor.execute("UPDATE counter SET n = n + 1")
    assert 0.3 <= time.monotonic() - started < 2
    _rollback(holder)
    holder.close()
    waiter.close()


def test_a_waiting_writer_goes_on_soon_after_the_lock_is_free(database):
    holder, waiter = _connect(database), _connect(database)
    holder.inc_thread_sharing()  # committed from the timer's thread
    _begin(holder)
    release = threading.Timer(0.13, lambda: _commit(holder))
    release.start()
    started = time.monotonic()
    with waiter.cursor() as cursor:
        cursor.execute("UPDATE counter SET n = n + 1")
    waited = time.monotonic() - started
    release.join()
    # The wait ends with the holder's commit, not at SQLite's next retry: its busy handler, having
    # slept 1, 2, 5, 10, 15, 20, 25, 25, 25 ms, sleeps 50 more from 0.128 s, to 0.178 s.
    assert 0.13 <= waited < 0.16
    holder.dec_thread_sharing()
    holder.close()
    waiter.close()


def test_an_in_memory_database_has_no_queue():
    wrapper = _connect(Path(":memory:"))
    assert wrapper.writer_queue is None
    with wrapper.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
        cursor.execute("INSERT INTO t VALUES (1)")
    wrapper.close()
