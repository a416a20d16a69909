"""Counting the report tallies (reports.models) from the finished attempts: `tallies_update`, run every
five minutes by the task queue (config/tasks.py) and by `manage.py update_report_tallies`, in the
manner of djangoproject.com's dashboard (`update_metrics` builds, the page reads). Grading does
nothing for the reports, and a report page never writes: it reads the tallies and says as of when they were counted.

What is counted: every finished attempt (submitted or closed at its deadline), on the local day of
its submission, for the unit and staff-ness frozen on the attempt when it started. Attempts
without a unit are not counted, as the subtree filters never reached them.

Each update recounts the days from the day before the previous update started: an attempt
finished since then was submitted then or later, or closed at a deadline at most the grace period
earlier (close_overdue_attempts runs every minute). `everything=True` recounts every day (the
first update does; so should one after restoring a backup or loading attempts directly).

A day is counted by comparing the attempts' submission times with its local midnights, which both
databases do themselves: grouping by TruncDate would call Python for every row on SQLite.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from quizzes.models import Attempt, AttemptQuestion
from reports.models import AnswerTally, AttemptTally, TallyUpdate

BATCH = 5_000
# How far before the previous update an update starts recounting: longer than any attempt can
# wait between its deadline and its grading.
SETTLE = timedelta(days=1)


def tally_day(moment: datetime) -> date:
    """The day a moment counts in: the local date in the site's time zone, the one that the
    report's periods (midnight to midnight) are drawn in."""
    return timezone.localdate(moment, timezone.get_default_timezone())


def tallies_counted_at() -> datetime | None:
    """The moment the tallies are as of (None before the first update)."""
    return TallyUpdate.objects.values_list("counted_at", flat=True).first()


def tallies_update(*, everything: bool = False, now: datetime | None = None) -> date:
    """Recount the tallies of every day that can have changed since the last update (with
    `everything`, or when none has run yet, of every day with a finished attempt); returns the
    first day recounted. Day by day, each counted outside any transaction and written only if
    its counts changed, in a transaction of its own under the lock of the TallyUpdate row, so that
    two updates replace a day's rows one after the other and a day is never half replaced."""
    now = now or timezone.now()
    last = tallies_counted_at()
    if everything or last is None:
        finished = Attempt.objects.finished().filter(submitted_at__isnull=False).values_list("submitted_at", flat=True)
        days = sorted({tally_day(moment) for moment in finished.iterator(chunk_size=BATCH)})
        with transaction.atomic():
            _lock()
            for model in (AttemptTally, AnswerTally):
                model.objects.exclude(day__in=days).delete()
        since = days[0] if days else tally_day(now)
    else:
        since = tally_day(last - SETTLE)
        days = [since + timedelta(days=n) for n in range((tally_day(now) - since).days + 1)]
    for day in days:
        _recount(day)
    TallyUpdate.objects.update_or_create(pk=1, defaults={"counted_at": now})
    return since


def _lock() -> None:
    """Take the TallyUpdate row's lock (SELECT … FOR UPDATE on PostgreSQL; on SQLite the
    transaction holds the database's write lock anyway)."""
    TallyUpdate.objects.select_for_update().get_or_create(pk=1)


def local_midnight(day: date) -> datetime:
    """Where a day starts: midnight in the site's time zone (a period ends at the next one)."""
    return timezone.make_aware(datetime(day.year, day.month, day.day), timezone.get_default_timezone())


def _recount(day: date) -> None:
    """Count one local day's finished attempts and answers, and replace its rows if they differ."""
    # Attempts without a unit are dropped here rather than in the query: on SQLite the condition
    # would make it read the attempts through the unit index, one by one.
    finished = Attempt.objects.finished().filter(submitted_at__gte=local_midnight(day),
                                                 submitted_at__lt=local_midnight(day + timedelta(days=1)))
    attempts = {row for row in finished.values_list("unit_id", "quiz_id", "is_staff_member")
                .annotate(n=Count("pk")).order_by() if row[0] is not None}
    answers = {row for row in AttemptQuestion.objects.filter(attempt__in=finished)
               .values_list("attempt__unit_id", "attempt__quiz_id", "attempt__is_staff_member", "question_id",
                            "topic_id_snapshot")
               .annotate(n=Count("pk"), ok=Count("pk", filter=Q(is_correct=True))).order_by() if row[0] is not None}
    kept_attempts = AttemptTally.objects.filter(day=day).values_list("unit_id", "quiz_id", "is_staff_member",
                                                                     "attempts")
    kept_answers = AnswerTally.objects.filter(day=day).values_list("unit_id", "quiz_id", "is_staff_member",
                                                                   "question_id", "topic_id", "answers", "correct")
    if set(kept_attempts) == attempts and set(kept_answers) == answers:
        return  # nothing to write: no write lock taken
    new_attempts = [AttemptTally(day=day, unit_id=u, quiz_id=z, is_staff_member=s, attempts=n)
                    for u, z, s, n in attempts]
    new_answers = [AnswerTally(day=day, unit_id=u, quiz_id=z, is_staff_member=s, question_id=q, topic_id=t,
                               answers=n, correct=ok) for u, z, s, q, t, n, ok in answers]
    with transaction.atomic():
        _lock()
        AttemptTally.objects.filter(day=day).delete()
        AnswerTally.objects.filter(day=day).delete()
        AttemptTally.objects.bulk_create(new_attempts, batch_size=BATCH)
        AnswerTally.objects.bulk_create(new_answers, batch_size=BATCH)
