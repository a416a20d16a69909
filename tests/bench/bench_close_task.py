#!/usr/bin/env python
"""A round's close at N attempts through the task path, as the participation page runs it:
`round_close_request` queues it (ORM broker), a `manage.py qcluster` worker takes it and runs the
steps, and this process reads the run's progress (RoundClosing.step, steps_done of steps_total,
what the organiser's page shows) once a second until it is done. Target: ≤ 60 s on PostgreSQL
from the request to the done, at 1,000,000 attempts.

    bash scripts/with-postgres.sh .venv/bin/python tests/bench/bench_close_task.py [--attempts 1000000]

The load is `manage.py generate_contest_load` (bench_contests.py's round: 10 questions, 3 prizes
of each kind). Exit status non-zero when the close fails or misses the target.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from bench_contests import _setup  # noqa: E402
from in_process import start_django  # noqa: E402

TARGET_S = 60


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=1_000_000)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench-close-task-")
    start_django(workdir)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from contests.closing import round_close_request
    from contests.models import RoundClosing

    round_ = _setup()
    started = time.perf_counter()
    call_command("generate_contest_load", "--round", str(round_.pk), "--attempts", str(args.attempts))
    print(f"generated {args.attempts:,} attempts in {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # The round ended an hour ago, well past its grace: the close is open to the organiser.
    closing = round_close_request(round_=round_, actor=None, override_reason="đo tải", now=timezone.now())
    requested = time.perf_counter()
    env = {**os.environ, "TASK_WORKERS": "1", "TASK_SCHEDULER": "false", "TASK_TIMEOUT": "600",
           "TASK_RETRY": "720", "LOG_LEVEL": "WARNING"}
    log = Path(workdir) / "qcluster.log"
    worker = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env, stdout=log.open("w"),
                              stderr=subprocess.STDOUT, start_new_session=True)
    seen = None
    try:
        while True:
            run = RoundClosing.objects.get(pk=closing.pk)
            shown = (run.status, run.step, run.steps_done)
            if shown != seen:
                print(f"  {time.perf_counter() - requested:6.1f} s  {run.status:8} {run.step or '-':20} "
                      f"{run.steps_done}/{run.steps_total}", flush=True)
                seen = shown
            if run.status not in ("queued", "running"):
                break
            if worker.poll() is not None:
                print(f"the worker stopped:\n{log.read_text()[-3000:]}", file=sys.stderr)
                return 1
            if time.perf_counter() - requested > 20 * TARGET_S:
                print("no end after 20 minutes", file=sys.stderr)
                return 1
            time.sleep(1)
            connection.close()  # a fresh snapshot each second, as the page's poll reads it
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, 9)
    total = time.perf_counter() - requested
    running = (run.finished_at - run.started_at).total_seconds() if run.finished_at and run.started_at else None
    round_.refresh_from_db()
    ok = run.status == "done" and total <= TARGET_S
    print(f"\nround close through the task queue at {args.attempts:,} attempts ({connection.vendor}): "
          f"{total:.1f} s from the request to done (the worker's run {running or 0:.1f} s; target ≤ {TARGET_S} s): "
          f"{'OK' if ok else 'FAILED: ' + run.status + ' ' + run.error[:200]}; sha256 {round_.snapshot_sha256[:16]}…")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
