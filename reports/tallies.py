"""Keeping the report tallies (reports.models) as attempts are graded, and rebuilding them.

The quiz engine sends `attempt_finished` inside the grading transaction, exactly once per attempt
(the attempt row is locked and a finished attempt is never graded again). The receiver puts the
attempt in the backlog (TallyBacklog: one row, with its person's unit and staff-ness at grading),
committed or rolled back together with the grade; `tallies_fold` adds the waiting attempts to the
tallies in bulk and takes them out of the backlog in the same transaction, so each is counted
exactly once. Every read of a tally (reports.stats.tallies_in) folds first, so the figures always
include every graded attempt. Each tally is written by INSERT … ON CONFLICT DO UPDATE (SQLite and
PostgreSQL alike), its rows in key order so that concurrent writers lock them in the same order.

Grading used to run the upserts itself: they held SQLite's write lock for a third of a submit
(make bench), and submits take turns on that lock.

What is counted: every finished attempt (submitted or closed at the deadline), on the local day of
its submission, for the unit its person belonged to at grading. People with no unit are not
counted, as the subtree filters never reached them. `tallies_rebuild` recomputes everything from
the attempts, attributing them to each person's unit as of the rebuild.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.apps import apps as django_apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts import rows
from accounts.models import User
from accounts.roles import STAFF_ROLES
from quizzes.models import Attempt, AttemptQuestion
from reports.models import AttemptTally, QuestionTally, TallyBacklog, TopicTally

BATCH = 5_000
# The staff roles' groups: the reports' staff / residents filter reads them (reports.stats too).
STAFF_GROUPS = sorted(role.value for role in STAFF_ROLES)


@cache
def _upsert_sql(using: str, model, key: tuple[str, ...], counters: tuple[str, ...], shared: int) -> str:
    connection = connections[using]
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    own = key[shared:] + counters
    # The entries travel as one JSON array of arrays, so the statement has the same text and
    # parameters whatever their number: prepared once on PostgreSQL, and never re-parsed by
    # psycopg (which does not cache a statement of over 50 parameters: 20 questions made 140).
    if connection.vendor == "postgresql":
        values = ", ".join(f"(e.v->>{n})::{model._meta.get_field(c).cast_db_type(connection)}"
                           for n, c in enumerate(own))
        source = "jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS e(v, n) ORDER BY e.n"
    else:
        values = ", ".join(f"json_extract(e.value, '$[{n}]')" for n in range(len(own)))
        # WHERE true: SQLite's parser needs it before an upsert's ON CONFLICT.
        source = "json_each(%s) e WHERE true ORDER BY e.key"
    return (
        f"INSERT INTO {table} ({', '.join(qn(c) for c in key + counters)}) "  # noqa: S608
        f"SELECT {', '.join(['%s'] * shared)}, {values} FROM {source} "
        f"ON CONFLICT ({', '.join(qn(c) for c in key)}) DO UPDATE SET "
        + ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in counters)
    )


def _upsert(using: str, model, key: tuple[str, ...], counters: tuple[str, ...], where: tuple,
            entries: list[tuple]) -> None:
    """Add each entry's counters to the row of its key, creating it if needed: the key is `where`
    (its first columns, the same for every entry), then the entry's own key columns. The rows are
    sent in key order, so that concurrent submits lock the rows they share in the same order."""
    if not entries:
        return
    connection = connections[using]
    shared = [connection.ops.adapt_datefield_value(where[0]), *where[1:]]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(using, model, key, counters, len(where)),
                       [*shared, json.dumps(sorted(entries), separators=(",", ":"))])


def tally_day(moment) -> date:
    """The day a moment counts in: the local date in the site's time zone, the one that the
    report's periods (midnight to midnight) are drawn in."""
    return timezone.localdate(moment, timezone.get_default_timezone())


def tallies_record(*, attempt: Attempt) -> None:
    """Put one just-graded attempt in the backlog, with its person's unit and whether they are
    staff, as they are now: one read and one INSERT. The person is the one the attempt carries
    (the grading leaves it there), read only if it does not."""
    if attempt.submitted_at is None:
        return
    using = attempt._state.db or DEFAULT_DB_ALIAS
    unit_id = attempt.user.unit_id
    if unit_id is None:
        return
    staff = _is_staff_member(attempt.user_id, using)
    with connections[using].cursor() as cursor:
        cursor.execute(_backlog_insert_sql(using), [attempt.pk, unit_id, staff])


@cache
def _backlog_insert_sql(using: str) -> str:
    columns = ", ".join(rows.column(TallyBacklog, name, using) for name in ("attempt", "unit", "is_staff_member"))
    return f"INSERT INTO {rows.table(TallyBacklog, using)} ({columns}) VALUES (%s, %s, %s)"  # noqa: S608


# Folds take turns on PostgreSQL through this transaction-level advisory lock (any constant of the
# application's own); SQLite serialises writers anyway.
_FOLD_LOCK = 0x7461_6C6C  # "tall"
FOLD_BATCH = 1_000


def tallies_fold(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Add the attempts waiting in the backlog to the tallies, and take them out of it in the same
    transaction (FOLD_BATCH attempts per transaction, until none waits). Returns how many were
    added. When none waits this is one read, so a report page takes no write lock."""
    backlog = TallyBacklog.objects.using(using)
    folded = 0
    while backlog.exists():
        with transaction.atomic(using=using):
            connection = connections[using]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_FOLD_LOCK])
            # Read after the lock: what an earlier fold took is gone.
            waiting = list(backlog.order_by("attempt_id").values_list("attempt_id", "unit_id", "is_staff_member")
                           [:FOLD_BATCH])
            if not waiting:
                break
            backlog.filter(attempt_id__in=[attempt_id for attempt_id, _unit, _staff in waiting]).delete()
            _add(using, waiting)
        folded += len(waiting)
    return folded


@dataclass
class _Counts:
    """What one (day, unit, quiz, staff or not) adds to the tallies: attempts, and answers and
    correct answers per topic and per question."""

    attempts: int = 0
    topics: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    questions: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))


def _count_answers(topics: dict, questions: dict, topic_key, question_key, answers: int, correct: int) -> None:
    """Add answers to a topic's and a question's counts; a key of None (a question deleted since,
    an item without a topic) counts nowhere."""
    for counts, key in ((topics, topic_key), (questions, question_key)):
        if key is not None:
            counts[key][0] += answers
            counts[key][1] += correct


def _add(using: str, waiting: list[tuple[int, int, bool]]) -> None:
    """Add these graded attempts (id, unit and staff-ness at grading) and their answers to the
    tallies: three upserts per (day, unit, quiz, staff or not) among them."""
    who = {attempt_id: (unit_id, staff) for attempt_id, unit_id, staff in waiting}
    groups: dict[tuple, _Counts] = defaultdict(_Counts)
    group_of: dict[int, _Counts] = {}
    for attempt_id, quiz_id, submitted_at in (Attempt.objects.using(using).filter(pk__in=who)
                                               .values_list("pk", "quiz_id", "submitted_at")):
        unit_id, staff = who[attempt_id]
        group = group_of[attempt_id] = groups[(tally_day(submitted_at), unit_id, quiz_id, staff)]
        group.attempts += 1
    for attempt_id, question_id, topic_id, is_correct in (
            AttemptQuestion.objects.using(using).filter(attempt_id__in=who)
            .values_list("attempt_id", "question_id", "topic_id_snapshot", "is_correct")):
        group = group_of[attempt_id]
        _count_answers(group.topics, group.questions, topic_id, question_id, 1, int(bool(is_correct)))
    shared_key = ("day", "unit_id", "quiz_id", "is_staff_member")
    for where in sorted(groups):
        group = groups[where]
        _upsert(using, AttemptTally, shared_key, ("attempts",), where, [(group.attempts,)])
        _upsert(using, TopicTally, (*shared_key, "topic_id"), ("answers", "correct"), where,
                [(t, n, ok) for t, (n, ok) in group.topics.items()])
        _upsert(using, QuestionTally, (*shared_key, "question_id"), ("answers", "correct"), where,
                [(q, n, ok) for q, (n, ok) in group.questions.items()])


@cache
def _is_staff_member_sql(using: str) -> str:
    # Written once, as the upserts are: an ORM query compiled on every submit, inside the grading
    # transaction, cost a fifth of the submits a second on SQLite (make bench).
    memberships = User.groups.through
    group = memberships._meta.get_field("group").related_model
    return (
        f"SELECT 1 FROM {rows.table(memberships, using)} m INNER JOIN {rows.table(group, using)} g "  # noqa: S608
        f"ON g.{rows.column(group, 'id', using)} = m.{rows.column(memberships, 'group', using)} "
        f"WHERE m.{rows.column(memberships, 'user', using)} = %s AND g.{rows.column(group, 'name', using)} IN "
        f"({', '.join(['%s'] * len(STAFF_GROUPS))}) LIMIT 1"
    )


def _is_staff_member(user_id: int, using: str) -> bool:
    with connections[using].cursor() as cursor:
        cursor.execute(_is_staff_member_sql(using), [user_id, *STAFF_GROUPS])
        return cursor.fetchone() is not None


def on_attempt_finished(sender, attempt: Attempt, **kwargs) -> None:
    tallies_record(attempt=attempt)


def tallies_rebuild(*, apps=django_apps, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Recompute every tally from the finished attempts, in one transaction: running it twice
    gives the same rows. `apps` is the app registry (a migration passes its historical one).
    Returns the number of rows written per tally."""
    attempt_model = apps.get_model("quizzes", "Attempt")
    item_model = apps.get_model("quizzes", "AttemptQuestion")
    models = {name: apps.get_model("reports", name) for name in ("AttemptTally", "TopicTally", "QuestionTally")}
    try:
        # Not in the migrations before the backlog's own (0004): they rebuild from scratch.
        backlog = apps.get_model("reports", "TallyBacklog")
    except LookupError:
        backlog = None
    with transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            # Submits that already put an attempt in the backlog, and folds, finish first; later
            # ones wait, and their attempts are folded in after the rebuild.
            locked = [*models.values(), *([backlog] if backlog is not None else [])]
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE " + ", ".join(connection.ops.quote_name(m._meta.db_table)
                                                         for m in locked) + " IN EXCLUSIVE MODE")
        for model in models.values():
            # Deleting first also takes SQLite's write lock before the attempts are read.
            model.objects.using(using).all().delete()
        if backlog is not None:
            # Every finished attempt is counted below.
            backlog.objects.using(using).all().delete()
        memberships = apps.get_model("accounts", "User").groups.through
        built = _rebuilt_rows(attempt_model, item_model, memberships, models, using)
        for name, model in models.items():
            model.objects.using(using).bulk_create(built[name], batch_size=BATCH)
    return {name: len(rows) for name, rows in built.items()}


def _rebuilt_rows(attempt_model, item_model, memberships, models: dict, using: str) -> dict[str, list]:
    tz = timezone.get_default_timezone()

    def staff(user_id: str) -> Exists:
        # As of the rebuild, like the unit: the person's groups now.
        return Exists(memberships.objects.using(using).filter(user_id=OuterRef(user_id), group__name__in=STAFF_GROUPS))

    finished = (attempt_model.objects.using(using).exclude(status="open")
                .filter(submitted_at__isnull=False, user__unit__isnull=False))
    attempt_rows = (finished.annotate(d=TruncDate("submitted_at", tzinfo=tz), u=F("user__unit_id"), s=staff("user_id"))
                    .values("d", "u", "quiz_id", "s").annotate(n=Count("pk")).order_by())
    # One scan of the answers, grouped by question and topic together; the topic tally is summed
    # from it here.
    item_rows = (item_model.objects.using(using).filter(attempt__in=finished.values("pk"))
                 .annotate(d=TruncDate("attempt__submitted_at", tzinfo=tz), u=F("attempt__user__unit_id"),
                           z=F("attempt__quiz_id"), s=staff("attempt__user_id"))
                 .values("d", "u", "z", "s", "question_id", "topic_id_snapshot")
                 .annotate(n=Count("pk"), ok=Count("pk", filter=Q(is_correct=True))).order_by())
    topics: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    questions: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for row in item_rows.iterator(chunk_size=BATCH):
        where = (row["d"], row["u"], row["z"], bool(row["s"]))
        topic, question = row["topic_id_snapshot"], row["question_id"]
        _count_answers(topics, questions, (*where, topic) if topic is not None else None,
                       (*where, question) if question is not None else None, row["n"], row["ok"])
    built = {
        "AttemptTally": [models["AttemptTally"](day=r["d"], unit_id=r["u"], quiz_id=r["quiz_id"],
                                                is_staff_member=bool(r["s"]), attempts=r["n"])
                         for r in attempt_rows],
        "TopicTally": [models["TopicTally"](day=d, unit_id=u, quiz_id=z, is_staff_member=s, topic_id=t, answers=n,
                                            correct=ok)
                       for (d, u, z, s, t), (n, ok) in topics.items()],
        "QuestionTally": [models["QuestionTally"](day=d, unit_id=u, quiz_id=z, is_staff_member=s, question_id=q,
                                                  answers=n, correct=ok)
                          for (d, u, z, s, q), (n, ok) in questions.items()],
    }
    return built
