"""Load for the contest benchmark: N more participants in one round, each with one submitted
attempt, its prediction and the standings the attempt_finished receiver would have written
(Standing, RankBucket, UnitStanding, ContestStanding). Plain multi-row INSERTs with explicit
ids, so a million attempts take a minute or two rather than an hour of per-attempt signals.
Run it on a scratch database: it adds people named "Người đo tải …" with unusable passwords."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

from accounts.models import Unit, UnitKind, User
from contests.models import ContestStanding, Prediction, RankBucket, Round, Standing, UnitStanding
from quizzes.models import Attempt, AttemptStatus


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _insert(model: type[models.Model], rows, columns: list[str]) -> int:
    """INSERT rows (tuples in `columns` order; every other column gets its field's default), many
    rows per statement: psycopg's executemany sends one statement per row."""
    fields = [f for f in model._meta.concrete_fields if f.column not in columns]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in fields)
    names = columns + [f.column for f in fields]
    per_statement = max(1, 10_000 // len(names))  # under SQLite's 32,766 parameters
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    head = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({quoted}) VALUES "  # noqa: S608
    one = f"({', '.join(['%s'] * len(names))})"
    count, batch = 0, []

    def flush(cursor) -> None:
        cursor.execute(head + ", ".join([one] * len(batch)), [value for row in batch for value in row])

    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row + defaults)
            if len(batch) >= per_statement:
                flush(cursor)
                count += len(batch)
                batch = []
        if batch:
            flush(cursor)
            count += len(batch)
    return count


def _units() -> list[Unit]:
    """Leaf units to spread people over; a commune of 40 villages when the database has none."""
    leaves = list(Unit.objects.filter(children__isnull=True, kind=UnitKind.VILLAGE))
    if leaves:
        return leaves
    commune = Unit.objects.create(name="Xã đo tải", kind=UnitKind.COMMUNE)
    return [Unit.objects.create(name=f"Thôn đo tải {n + 1}", kind=UnitKind.VILLAGE, parent=commune,
                                headcount=1000 * (n % 5 + 1)) for n in range(40)]


def _rebuild_counters(round_: Round) -> None:
    """RankBucket and UnitStanding from the round's standings, as the receiver keeps them."""
    RankBucket.objects.filter(round=round_).delete()
    UnitStanding.objects.filter(round=round_).delete()
    q = connection.ops.quote_name
    standings = q(Standing._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(RankBucket._meta.db_table)} (round_id, score, duration_s, count) "  # noqa: S608
            f"SELECT round_id, score, duration_ms / 1000, COUNT(*) FROM {standings} WHERE round_id = %s "
            "GROUP BY round_id, score, duration_ms / 1000", [round_.pk])
        cursor.execute(
            f"INSERT INTO {q(UnitStanding._meta.db_table)} (round_id, unit_id, participants, score_sum) "  # noqa: S608
            f"SELECT round_id, unit_id, COUNT(*), SUM(score) FROM {standings} "
            "WHERE round_id = %s AND unit_id IS NOT NULL GROUP BY round_id, unit_id", [round_.pk])


class Command(BaseCommand):
    help = ("Add N participants to a contest round, each with one submitted attempt and the standings the "
            "grading signal would have written (benchmark load; use a scratch database).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--round", type=int, required=True, dest="round_id", help="the round's id")
        parser.add_argument("--attempts", type=int, required=True, help="how many participants to add")
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, round_id: int, attempts: int, seed: int, **options) -> None:
        round_ = Round.objects.select_related("contest", "quiz").filter(pk=round_id).first()
        if round_ is None:
            raise CommandError(f"No round with the id {round_id}.")
        if attempts < 1:
            raise CommandError("--attempts must be at least 1.")
        started = time.perf_counter()
        with transaction.atomic():
            made = self._generate(round_, attempts, random.Random(seed + _next_id(User)))
        self.stdout.write(f"{made} attempts added to round {round_.pk} in {time.perf_counter() - started:.1f} s")

    def _generate(self, round_: Round, count: int, rng: random.Random) -> int:
        units = _units()
        quiz = round_.quiz
        questions = quiz.draw_rules.aggregate(n=models.Sum("count"))["n"] or quiz.fixed_questions.count() or 10
        limit_ms = quiz.time_limit_seconds * 1000
        window_s = max(60, int((round_.closes_at - round_.opens_at).total_seconds()) - quiz.time_limit_seconds)
        first_user, first_attempt = _next_id(User), _next_id(Attempt)
        first_standing, first_prediction = _next_id(Standing), _next_id(Prediction)
        first_contest_standing = _next_id(ContestStanding)
        dt = connection.ops.adapt_datetimefield_value
        dec = connection.ops.adapt_decimalfield_value
        fingerprints = [f"{n:032x}" for n in range(40)]

        people = []
        for n in range(count):
            user_id = first_user + n
            unit = units[rng.randrange(len(units))]
            # Scores cluster near the top, as in real rounds; times spread over the limit.
            score = min(questions, max(0, int(rng.gauss(questions * 0.75, questions * 0.2) + 0.5)))
            duration_ms = rng.randint(20_000, limit_ms)
            start = round_.opens_at + timedelta(seconds=rng.randrange(window_s), milliseconds=rng.randrange(1000))
            guess = None if rng.random() < 0.05 else rng.randint(0, 3 * (count + first_user))
            people.append((user_id, unit.pk, score, duration_ms, start, guess))

        now = dt(round_.opens_at)
        _insert(User, ((p[0], f"Người đo tải {p[0]}", f"09{p[0]:08d}"[-10:], p[1], "!", now) for p in people),
                ["id", "full_name", "phone", "unit_id", "password", "date_joined"])
        _insert(Attempt, (
            (first_attempt + n, quiz.pk, p[0], 1, AttemptStatus.SUBMITTED, dt(p[4]),
             dt(p[4] + timedelta(seconds=quiz.time_limit_seconds)), dt(p[4] + timedelta(milliseconds=p[3])),
             p[2], questions, dec(round(p[2] * 100 / questions, 2), 5, 2), p[3],
             f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}", rng.choice(fingerprints))
            for n, p in enumerate(people)),
            ["id", "quiz_id", "user_id", "number", "status", "started_at", "deadline", "submitted_at", "score",
             "max_score", "score_percent", "duration_ms", "client_ip", "client_fingerprint"])
        _insert(Prediction, ((first_prediction + n, first_attempt + n, p[5], dt(p[4]))
                             for n, p in enumerate(people) if p[5] is not None),
                ["id", "attempt_id", "value", "created_at"])
        _insert(Standing, (
            (first_standing + n, round_.pk, p[0], p[1], first_attempt + n, 1, p[2], questions, p[3],
             dt(p[4] + timedelta(milliseconds=p[3])), p[5], False, now)
            for n, p in enumerate(people)),
            ["id", "round_id", "user_id", "unit_id", "attempt_id", "attempts_count", "score", "max_score",
             "duration_ms", "submitted_at", "prediction", "is_staff_member", "updated_at"])
        _insert(ContestStanding, ((first_contest_standing + n, round_.contest_id, p[0], 1, p[2], p[3])
                                  for n, p in enumerate(people)),
                ["id", "contest_id", "user_id", "rounds", "total_score", "total_duration_ms"])
        _rebuild_counters(round_)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [User, Attempt, Prediction, Standing,
                                                                      ContestStanding]):
                cursor.execute(sql)
        return count
