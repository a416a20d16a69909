"""Django's SQLite backend, with the writers of one database file queued on a lock of their own.

SQLite lets one connection write at a time. Another one that wants to write meanwhile gets
SQLITE_BUSY and its busy handler sleeps (1 ms, then 2, 5, 10 … 100 ms) before trying again, so
under a burst of submits most of a worker's time went to sleeping while the lock was free (make
bench: two gunicorn workers graded hardly more than one). Here every write (a transaction, which
Django begins IMMEDIATE, or a single INSERT, UPDATE or DELETE outside one) first takes an
exclusive flock on a file beside the database, looking again within a millisecond while it is
taken, for as long as the busy timeout (then "database is locked", as SQLite says). Reads take
nothing (WAL lets them run beside the writer). Programs that do not use this backend (the sqlite3
shell, a backup) still meet SQLite's own lock and busy timeout, as before; a process that dies
holding the flock releases it with its descriptors.

Selected by config/settings.py for an SQLite DATABASE_URL; an in-memory database (the test
suite's) has no file and no queue.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager, nullcontext

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

# flock, not SQLite's POSIX record locks: the two never interfere, and the lock is a file of its
# own because closing any descriptor of the database file would drop the process's SQLite locks.
LOCK_SUFFIX = "-writer.lock"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class WriterQueue:
    """An exclusive lock that one connection holds while it writes."""

    def __init__(self, path: str, timeout: float) -> None:
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        self._timeout = timeout
        self.held = False

    def acquire(self) -> None:
        """Wait for the lock as long as the busy timeout lets SQLite wait for its own (then
        OperationalError, "database is locked", as SQLite itself says). flock cannot time out,
        so a waiter looks again after 20 µs, then twice as long each time up to 1 ms: woken well
        under a millisecond after the lock is free, where SQLite's own schedule sleeps 1, 2, 5 …"""
        deadline, pause = None, 0.00002
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                now = time.monotonic()
                deadline = deadline or now + self._timeout
                if now >= deadline:
                    raise OperationalError("database is locked") from None
                time.sleep(pause)
                pause = min(pause * 2, 0.001)
            else:
                self.held = True
                return

    def release(self) -> None:
        if self.held:
            self.held = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    @contextmanager
    def turn(self):
        """Hold the lock for the block."""
        self.acquire()
        try:
            yield
        finally:
            self.release()

    def close(self) -> None:
        self.release()
        os.close(self._fd)


class QueuedCursor(base.SQLiteCursorWrapper):
    """Outside a transaction, a write statement waits its turn in the queue."""

    queue: WriterQueue

    def _turn(self, query: str):
        if self.connection.in_transaction or not query.lstrip()[:7].upper().startswith(_WRITES):
            return nullcontext()
        return self.queue.turn()

    def execute(self, query, params=None):
        with self._turn(query):
            return super().execute(query, params)

    def executemany(self, query, param_list):
        with self._turn(query):
            return super().executemany(query, param_list)


class DatabaseWrapper(base.DatabaseWrapper):
    writer_queue: WriterQueue | None = None

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            self.writer_queue = WriterQueue(f"{self.settings_dict['NAME']}{LOCK_SUFFIX}",
                                            timeout=conn_params.get("timeout", 5))
        return connection

    def create_cursor(self, name=None):
        if self.writer_queue is None:
            return super().create_cursor(name)
        cursor = self.connection.cursor(factory=QueuedCursor)
        cursor.queue = self.writer_queue
        return cursor

    def _start_transaction_under_autocommit(self):
        # The lock is taken before BEGIN and kept until the transaction ends (_commit, _rollback).
        if self.writer_queue is not None:
            self.writer_queue.acquire()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_queue()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_queue()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_queue()

    def _close(self):
        try:
            return super()._close()
        finally:
            if self.writer_queue is not None:
                self.writer_queue.close()
                self.writer_queue = None

    def _release_queue(self) -> None:
        if self.writer_queue is not None:
            self.writer_queue.release()
