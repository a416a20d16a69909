#!/usr/bin/env python
"""Benchmark: the organisers' dashboard, the unit × topic table and the periodic .docx with
100,000 participants in 200 units and 1,000,000 answers. Targets (issue 6): dashboard ≤ 1 s
server time, unit × topic table ≤ 1 s, .docx ≤ 10 s.

    .venv/bin/python tests/bench/bench_reports.py [--people N] [--units U] [--answers-per-person A] [--runs R]

Runs on a throwaway SQLite database unless DATABASE_URL is set (then on that database, migrated
first; the data stays: use a scratch database). The data is bulk-inserted with plain INSERTs in
large batches (about a minute on SQLite), with the report tallies the grading signal's receiver
keeps (reports.tallies) summed as the answers are generated; timings are the best of R runs, with
the number of queries of each.
"""

import argparse
import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from in_process import start_django

BATCH = 20_000


def _insert(cursor, table: str, columns: list[str], rows) -> None:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    # Stored as Django stores them (naive UTC text on SQLite): SQLite's own date functions, which
    # the tally rebuild uses, ignore a written-out offset.
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
    from quizzes.contests.models import Contest, Round
    from quizzes.models import Question, Quiz, Topic
    from reports.models import AttemptTally, QuestionTally, TopicTally
    from reports.tallies import tally_day
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
        for n, (user_id, _unit) in enumerate(user_rows):
            round_ = rounds[n % 4]
            submitted = round_.opens_at + timedelta(hours=1 + n % 100)
            score = sum(1 for _ in range(per_person) if rng.random() < 0.7)
            attempts.append((round_.quiz_id, user_id, 1, "submitted", submitted - timedelta(minutes=10),
                             submitted + timedelta(minutes=5), submitted, score, per_person,
                             round(100 * score / per_person, 2), score * 100 >= 70 * per_person, 600_000, "", ""))
        _insert(cursor, "quizzes_attempt",
                ["quiz_id", "user_id", "number", "status", "started_at", "deadline", "submitted_at", "score",
                 "max_score", "score_percent", "passed", "duration_ms", "submit_key", "client_fingerprint"], attempts)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, quiz_id, user_id, submitted_at, score, max_score FROM quizzes_attempt ORDER BY id")
        attempt_rows = cursor.fetchall()
    round_by_quiz = {r.quiz_id: r.pk for r in rounds}
    unit_by_user = dict(user_rows)
    # What reports.tallies.tallies_record adds per graded attempt, summed here for all of them.
    tallied_attempts: dict[tuple, int] = defaultdict(int)
    tallied_topics: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    tallied_questions: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])

    def items():
        for attempt_id, quiz_id, user_id, submitted, _score, _max in attempt_rows:
            # SQLite hands back naive UTC datetimes, PostgreSQL aware ones.
            moment = submitted if submitted.tzinfo else submitted.replace(tzinfo=UTC)
            where = (tally_day(moment), unit_by_user[user_id], quiz_id, user_id in staff)
            tallied_attempts[where] += 1
            drawn = rng.sample(question_rows, per_person)
            for position, (question_id, topic_id, text) in enumerate(drawn):
                correct = rng.random() < 0.7
                for counts in (tallied_topics[(*where, topic_id)], tallied_questions[(*where, question_id)]):
                    counts[0] += 1
                    counts[1] += correct
                yield (attempt_id, question_id, position, "single", text, "", topic_id, "[]", "[]", submitted,
                       correct)

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
        day = connection.ops.adapt_datefield_value
        _insert(cursor, AttemptTally._meta.db_table, ["day", "unit_id", "quiz_id", "is_staff_member", "attempts"],
                ((day(d), unit, quiz, s, n) for (d, unit, quiz, s), n in tallied_attempts.items()))
        for model, counts, key in ((TopicTally, tallied_topics, "topic_id"),
                                   (QuestionTally, tallied_questions, "question_id")):
            _insert(cursor, model._meta.db_table, ["day", "unit_id", "quiz_id", "is_staff_member", key, "answers",
                                                   "correct"],
                    ((day(d), unit, quiz, s, k, n, ok) for (d, unit, quiz, s, k), (n, ok) in counts.items()))
    print(f"{len(attempt_rows):,} attempts, {len(attempt_rows) * per_person:,} answers, standings, "
          f"{len(tallied_topics):,} + {len(tallied_questions):,} tally rows: "
          f"{time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"commune": commune}


def _verify_tallies() -> None:
    """The generated tallies are what `rebuild_report_tallies` computes from the answers."""
    from reports.models import AttemptTally, QuestionTally, TopicTally
    from reports.tallies import tallies_rebuild

    def rows() -> list[set]:
        return [set(model.objects.values_list(*[f.attname for f in model._meta.concrete_fields if f.name != "id"]))
                for model in (AttemptTally, TopicTally, QuestionTally)]

    generated = rows()
    started = time.perf_counter()
    tallies_rebuild()
    assert rows() == generated, "the generated tallies differ from a rebuild"
    print(f"tallies equal to a rebuild from the answers (rebuild {time.perf_counter() - started:.1f} s)")


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
    parser.add_argument("--verify-tallies", action="store_true",
                        help="check the generated tallies against a rebuild from the answers (slow)")
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

    if args.verify_tallies:
        _verify_tallies()
    result = dashboard(filters)
    print(f"check: {result.entries:,} entries, {result.table.total.participants:,} people, "  # noqa: RUF100
          f"{sum(c.answers for c in result.weak.totals):,} answers in the unit × topic table")
    ok = _timed("dashboard page (figures and HTML)", page, args.runs, 1.0)
    ok &= _timed("unit × topic table with the most missed questions (fragment)", table, args.runs, 1.0)
    ok &= _timed("periodic report .docx", docx, args.runs, 10.0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
