#!/usr/bin/env python
"""Benchmark: contest leaderboards at 10,000 and at 1,000,000 attempts in one round, and closing
that round. Targets (issue 5): the top-50 leaderboard, a person's rank (their result page) and
the unit table each within 3× their time at 10,000; no request runs a window function over the
round (no RANK()/ROW_NUMBER() … OVER in any query of those pages); round_close < 120 s.

    .venv/bin/python tests/bench/bench_contests.py [--small 10000] [--large 1000000] [--runs 5]

Runs on a throwaway SQLite database unless DATABASE_URL is set (then on that database, migrated
first; the data stays: use a scratch database, e.g. through scripts/with-postgres.sh). The load
comes from `manage.py generate_contest_load`; timings are the best of R runs, through Django's
test client (view, queries and template), with the number of queries of each.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from datetime import timedelta

from in_process import start_django

WINDOW = re.compile(r"\b(RANK|ROW_NUMBER|DENSE_RANK)\s*\(.*?\)\s*OVER\b", re.IGNORECASE | re.DOTALL)
RATIO_TARGET = 3.0
CLOSE_TARGET_S = 120.0


def _best(fn, runs: int) -> tuple[float, int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, windowed, count = [], [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - started
        # Best run by wall time, with its database share: on a shared machine the wall time
        # wanders with other load, the queries' time says whether the database work grew.
        timings.append((elapsed, sum(float(q["time"]) for q in queries.captured_queries)))
        count = len(queries)
        windowed += [q["sql"][:200] for q in queries.captured_queries if WINDOW.search(q["sql"])]
    best, db = min(timings)
    return best, count, windowed, db


def _analyze() -> None:
    """Statistics as a live database has them (autovacuum on PostgreSQL, `PRAGMA optimize` on
    SQLite), before each measurement, so both sizes are planned alike."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _setup():
    from django.utils import timezone

    from contests.models import Contest, Round
    from quizzes.models import Audience, Quiz, QuizDrawRule, Topic

    now = timezone.now()
    topic = Topic.objects.create(slug="do-tai-cuoc-thi", name="Đo tải cuộc thi")
    contest = Contest.objects.create(title="Cuộc thi đo tải", slug="cuoc-thi-do-tai", is_published=True,
                                     individual_prizes=3, unit_prizes=3)
    quiz = Quiz.objects.create(title="Vòng đo tải", slug="contest-do-tai-1", audience=Audience.PUBLIC,
                               time_limit_seconds=15 * 60, attempts_allowed=3)
    QuizDrawRule.objects.create(quiz=quiz, topic=topic, count=10)
    return Round.objects.create(contest=contest, number=1, quiz=quiz, opens_at=now - timedelta(days=7),
                                closes_at=now - timedelta(hours=1))


def _measure(round_, runs: int, label: str) -> dict[str, tuple[float, int, list[str], float]]:
    from django.test import Client

    from contests.models import Standing

    contest = round_.contest
    # The person in the middle of the ranking: their rank needs the most buckets ahead.
    middle = Standing.objects.filter(round=round_).order_by("-score", "duration_ms", "id").values_list(
        "user_id", "attempt_id")[Standing.objects.filter(round=round_).count() // 2]
    from accounts.models import User

    person = Client()
    person.force_login(User.objects.get(pk=middle[0]), backend="accounts.backends.PhoneOrEmailBackend")
    anonymous = Client()

    def leaderboard() -> None:
        response = anonymous.get(f"/contests/{contest.slug}/rounds/{round_.number}/leaderboard/", secure=True)
        assert response.status_code == 200, response.status_code

    def my_rank() -> None:
        response = person.get(f"/contests/attempts/{middle[1]}/result/", secure=True)
        assert response.status_code == 200, response.status_code
        assert "Hạng" in response.content.decode()

    def units() -> None:
        response = anonymous.get(f"/contests/{contest.slug}/rounds/{round_.number}/units/", secure=True)
        assert response.status_code == 200, response.status_code

    results = {}
    for name, fn in (("top-50 leaderboard", leaderboard), ("a person's rank (result page)", my_rank),
                     ("unit table", units)):
        results[name] = _best(fn, runs)
        best, queries, windowed, db = results[name]
        print(f"  {label} {name}: best {best * 1000:.1f} ms of {runs} ({queries} queries, {db * 1000:.0f} ms in the "
              f"database{'; WINDOW FUNCTION' if windowed else ''})")
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    start_django(tempfile.mkdtemp(prefix="bench-contests-"))
    from django.core.management import call_command

    round_ = _setup()

    started = time.perf_counter()
    call_command("generate_contest_load", "--round", str(round_.pk), "--attempts", str(args.small))
    print(f"generated {args.small:,} attempts in {time.perf_counter() - started:.1f} s")
    _analyze()
    small = _measure(round_, args.runs, f"{args.small:,}:")

    started = time.perf_counter()
    call_command("generate_contest_load", "--round", str(round_.pk), "--attempts", str(args.large - args.small))
    print(f"generated {args.large - args.small:,} more attempts in {time.perf_counter() - started:.1f} s")
    _analyze()
    large = _measure(round_, args.runs, f"{args.large:,}:")

    ok = True
    print(f"\n| page | {args.small:,} (ms) | {args.large:,} (ms) | ratio | target | window function | "
          "database ms (small → large) |")
    print("|---|---:|---:|---:|---:|---|---|")
    for name in small:
        ratio = large[name][0] / small[name][0]
        windowed = bool(small[name][2] or large[name][2])
        ok &= ratio <= RATIO_TARGET and not windowed
        print(f"| {name} | {small[name][0] * 1000:.1f} | {large[name][0] * 1000:.1f} | {ratio:.2f} | "
              f"≤ {RATIO_TARGET:g} | {'YES' if windowed else 'none'} | "
              f"{small[name][3] * 1000:.0f} → {large[name][3] * 1000:.0f} |")

    from contests.closing import round_close

    started = time.perf_counter()
    # The generated load's flags stay undecided: the override lets the whole close (prizes too) be timed.
    closed = round_close(round_=round_, now=round_.closes_at + timedelta(minutes=10),
                         override_reason="benchmark: generated load")
    close_s = time.perf_counter() - started
    ok &= close_s < CLOSE_TARGET_S
    print(f"\nround_close with {args.large:,} attempts: {close_s:.1f} s (target < {CLOSE_TARGET_S:g} s): "
          f"{'OK' if close_s < CLOSE_TARGET_S else 'TOO SLOW'}; actual figure {closed.actual_figure:,}, "
          f"sha256 {closed.snapshot_sha256[:16]}…")
    final = _measure(closed, args.runs, "after close:")
    print("after close: " + ", ".join(f"{name} {r[0] * 1000:.1f} ms" for name, r in final.items()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
