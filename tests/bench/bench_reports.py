#!/usr/bin/env python
"""Benchmark: the organisers' dashboard, the unit × topic table and the periodic .docx with
100,000 participants in 200 units and 1,000,000 answers. Targets (issue 6): dashboard ≤ 1 s
server time, unit × topic table ≤ 1 s, .docx ≤ 10 s.

    .venv/bin/python tests/bench/bench_reports.py [--people N] [--units U] [--answers-per-person A] [--runs R]

Runs on a throwaway SQLite database unless DATABASE_URL is set (then on that database, migrated
first; the data stays: use a scratch database). The data is bulk-inserted with plain INSERTs in
large batches (about a minute on SQLite), then the report tallies are counted from it as
`update_report_tallies --all` does (timed), and once more as a cron run in the middle of the last
round would (timed). Timings are the best of R runs, with the number of queries of each.
`--compare-scan` also times the same figures computed straight from the attempts and their
answers, without tallies (the simplest design, measured to show why the tallies are kept).
"""

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta

from in_process import start_django

BATCH = 20_000


def _insert(cursor, table: str, columns: list[str], rows) -> None:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    # Stored as Django stores them (naive UTC text on SQLite), so that the ORM's lookups and date
    # functions read them as it reads its own.
    adapt = cursor.db.ops.adapt_datetimefield_value
    batch = []
    for row in rows:
        batch.append(tuple(adapt(v) if isinstance(v, datetime) else v for v in row))
        if len(batch) >= BATCH:
            cursor.executemany(sql, batch)
            batch = []
    if batch:
        cursor.executemany(sql, batch)


def generate(*, people: int, units: int, per_person: int) -> dict:
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Unit, UnitKind, User
    from accounts.roles import Role, ensure_roles
    from contests.models import Contest, Round
    from quizzes.models import Question, Quiz, Topic
    from training.models import Assignment, Module, ModuleStatus

    rng = random.Random(2025)
    ensure_roles()
    started = time.perf_counter()
    with transaction.atomic():
        commune = Unit.objects.create(name="Xã Đông Trà Bồng", kind=UnitKind.COMMUNE, headcount=0)
        # Twenty groups under the commune, the other units spread under them (a three-level tree).
        groups = [Unit.objects.create(name=f"Khối {g + 1}", kind=UnitKind.DEPARTMENT, parent=commune)
                  for g in range(19)]
        leaves = [Unit.objects.create(name=f"Thôn {n + 1}", kind=UnitKind.VILLAGE, parent=groups[n % len(groups)],
                                      headcount=people // (units - 20) + 50)
                  for n in range(units - 20)]
        topics = [Topic.objects.create(slug=f"bench-topic-{t}", name=f"Chủ đề {t + 1}") for t in range(6)]
        questions = [Question.objects.create(topic=topics[q % 6], text=f"Câu hỏi {q + 1}?",
                                             explanation=f"Giải thích {q + 1}.", source="NQ 76/NQ-CP")
                     for q in range(120)]
        contest = Contest.objects.create(title="Tìm hiểu CCHC 2025", slug="bench-cchc", is_published=True)
        start = timezone.make_aware(datetime(2025, 3, 1, 7))
        rounds = []
        for r in range(4):
            quiz = Quiz.objects.create(title=f"Tuần {r + 1}", slug=f"contest-bench-vong-{r + 1}")
            rounds.append(Round.objects.create(contest=contest, number=r + 1, quiz=quiz,
                                               opens_at=start + timedelta(days=7 * r),
                                               closes_at=start + timedelta(days=7 * r + 6)))
        module = Module.objects.create(title="Nghị quyết 76", slug="bench-nq76", status=ModuleStatus.PUBLISHED)
        Assignment.objects.create(module=module, unit=commune, due_date=date(2025, 4, 30))
    print(f"units, questions, rounds: {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    now = timezone.now()
    unit_ids = [leaf.pk for leaf in leaves]
    with transaction.atomic(), connection.cursor() as cursor:
        _insert(cursor, User._meta.db_table,
                ["password", "full_name", "position", "phone", "unit_id", "is_superuser", "is_staff", "is_active",
                 "date_joined", "must_change_password", "show_on_leaderboard", "receive_notifications"],
                (("!", f"Người dự thi {n}", "", f"08{n:08d}", unit_ids[n % len(unit_ids)], False, False, True, now,
                  False, n % 2 == 0, False) for n in range(people)))
    user_rows = list(User.objects.filter(phone__startswith="08").order_by("pk").values_list("pk", "unit_id"))
    staff_group = Group.objects.get(name=Role.STAFF.value).pk
    staff_ids = [pk for n, (pk, _unit) in enumerate(user_rows) if n % 10 == 0]
    with transaction.atomic(), connection.cursor() as cursor:
        _insert(cursor, User.groups.through._meta.db_table, ["user_id", "group_id"],
                ((pk, staff_group) for pk in staff_ids))
        _insert(cursor, "training_modulecompletion", ["user_id", "module_id", "completed_at"],
                ((pk, module.pk, start + timedelta(days=3)) for pk in staff_ids[::3]))
    print(f"{people:,} people: {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    staff = set(staff_ids)
    question_rows = [(q.pk, q.topic_id, q.text) for q in questions]
    with transaction.atomic(), connection.cursor() as cursor:
        attempts = []
        for n, (user_id, unit_id) in enumerate(user_rows):
            round_ = rounds[n % 4]
            submitted = round_.opens_at + timedelta(hours=1 + n % 100)
            score = sum(1 for _ in range(per_person) if rng.random() < 0.7)
            # The unit and staff-ness frozen at start, as the engine does (quizzes.services.attempts).
            attempts.append((round_.quiz_id, user_id, 1, "submitted", submitted - timedelta(minutes=10),
                             submitted + timedelta(minutes=5), submitted, score, per_person,
                             round(100 * score / per_person, 2), score * 100 >= 70 * per_person, 600_000, "", "",
                             unit_id, user_id in staff))
        _insert(cursor, "quizzes_attempt",
                ["quiz_id", "user_id", "number", "status", "started_at", "deadline", "submitted_at", "score",
                 "max_score", "score_percent", "passed", "duration_ms", "submit_key", "client_fingerprint", "unit_id",
                 "is_staff_member"], attempts)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, quiz_id, user_id, submitted_at, score, max_score FROM quizzes_attempt ORDER BY id")
        attempt_rows = cursor.fetchall()
    round_by_quiz = {r.quiz_id: r.pk for r in rounds}
    unit_by_user = dict(user_rows)

    def items():
        for attempt_id, _quiz_id, _user_id, submitted, _score, _max in attempt_rows:
            for position, (question_id, topic_id, text) in enumerate(rng.sample(question_rows, per_person)):
                yield (attempt_id, question_id, position, "single", text, "", topic_id, "[]", "[]", submitted,
                       rng.random() < 0.7)

    with transaction.atomic(), connection.cursor() as cursor:
        _insert(cursor, "quizzes_attemptquestion",
                ["attempt_id", "question_id", "position", "type", "text", "explanation", "topic_id_snapshot",
                 "choices", "selected", "answered_at", "is_correct"], items())
        _insert(cursor, "quizzes_standing",
                ["round_id", "user_id", "unit_id", "attempt_id", "attempts_count", "score", "max_score",
                 "duration_ms", "submitted_at", "is_staff_member", "updated_at"],
                ((round_by_quiz[quiz], user, unit_by_user[user], attempt_id, 1, score, max_score, 600_000,
                  submitted, user in staff, now)
                 for attempt_id, quiz, user, submitted, score, max_score in attempt_rows))
    print(f"{len(attempt_rows):,} attempts, {len(attempt_rows) * per_person:,} answers, standings: "
          f"{time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"commune": commune, "last_round": rounds[-1]}


def _count_tallies(last_round) -> None:
    """Count the tallies as `update_report_tallies --all` does, then as a cron run two days into the
    last round would (its days since the day before the previous run, a busy stretch of a round):
    once with their counts unchanged (nothing to write), once with every one of them changed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.models import AnswerTally, AttemptTally, TallyUpdate
    from reports.tallies import SETTLE, tallies_update, tally_day

    started = time.perf_counter()
    tallies_update(everything=True)
    print(f"count every day (update_report_tallies --all): {time.perf_counter() - started:.1f} s; "
          f"{AttemptTally.objects.count():,} + {AnswerTally.objects.count():,} tally rows")
    previous = last_round.opens_at + timedelta(days=2)
    now = previous + timedelta(minutes=5)
    since = tally_day(previous - SETTLE)
    window = AnswerTally.objects.filter(day__gte=since, day__lte=tally_day(now))
    rows = window.count()
    for label, changed in (("unchanged", False), ("all changed", True)):
        TallyUpdate.objects.update(counted_at=previous)
        if changed:
            window.update(answers=0)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            tallies_update(now=now)
            took = time.perf_counter() - started
        print(f"a cron run on {since:%d/%m}–{now:%d/%m}, {rows:,} answer tally rows, {label}: {took:.2f} s "
              f"({len(queries)} queries)")
    assert AnswerTally.objects.filter(answers=0).count() == 0


def _scan_figures(filters) -> None:
    """The figures the tallies hold, computed straight from the attempts and their answers."""
    from django.db.models import Count, Q

    from quizzes.models import Attempt, AttemptQuestion
    from reports.stats.filters import subtree_ids

    finished = Attempt.objects.finished().filter(submitted_at__gte=filters.start, submitted_at__lt=filters.end,
                                                 unit_id__in=subtree_ids(filters.unit))
    finished.count()
    answers = AttemptQuestion.objects.filter(attempt__in=finished)
    list(answers.values("attempt__unit_id", "topic_id_snapshot")
         .annotate(n=Count("pk"), ok=Count("pk", filter=Q(is_correct=True))).order_by())
    list(answers.filter(question__isnull=False).values("question_id")
         .annotate(wrong=Count("pk", filter=Q(is_correct=False))).order_by("-wrong", "question_id")[:5])


def _timed(label: str, fn, runs: int, target: float) -> bool:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            fn()
            timings.append(time.perf_counter() - started)
    best = min(timings)
    ok = best <= target
    print(f"{label}: best {best:.3f} s of {runs} ({len(queries)} queries; target ≤ {target:g} s): "
          f"{'OK' if ok else 'TOO SLOW'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--answers-per-person", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare-scan", action="store_true",
                        help="also time the attempts, unit × topic and most-missed figures read from the answers")
    args = parser.parse_args()

    start_django(tempfile.mkdtemp(prefix="bench-reports-"))
    from django.test import Client
    data = generate(people=args.people, units=args.units, per_person=args.answers_per_person)

    from accounts.roles import Role
    from reports.periodic import periodic_report_docx
    from reports.stats import Filters, dashboard
    from tests.factories import make_user

    organiser = make_user(role=Role.ORGANISER, unit=data["commune"], full_name="Người tổ chức")
    client = Client()
    client.force_login(organiser, backend="accounts.backends.PhoneOrEmailBackend")
    filters = Filters(unit=data["commune"], date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
    params = {"date_from": "01/03/2025", "date_to": "31/03/2025"}

    def page() -> None:
        response = client.get("/reports/", params, secure=True)
        assert response.status_code == 200, response.status_code

    def table() -> None:
        response = client.get("/reports/weak-topics/", params, secure=True, headers={"HX-Request": "true"})
        assert response.status_code == 200, response.status_code

    def docx() -> None:
        assert periodic_report_docx(dashboard(filters))

    _count_tallies(data["last_round"])
    result = dashboard(filters)
    print(f"check: {result.entries:,} entries, {result.table.total.participants:,} people, "  # noqa: RUF100
          f"{sum(c.answers for c in result.weak.totals):,} answers in the unit × topic table")
    ok = _timed("dashboard page (figures and HTML)", page, args.runs, 1.0)
    ok &= _timed("unit × topic table with the most missed questions (fragment)", table, args.runs, 1.0)
    ok &= _timed("periodic report .docx", docx, args.runs, 10.0)
    if args.compare_scan:
        _timed("without tallies: attempts, unit × topic and most missed read from the answers",
               lambda: _scan_figures(filters), args.runs, 1.0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
