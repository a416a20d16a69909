"""Counting the report tallies (reports.models) from the finished attempts: `tallies_update`, run by
`manage.py update_report_tallies` from cron, in the manner of djangoproject.com's dashboard
(`update_metrics` builds, the page reads). Grading does nothing for the reports, and a report
page never writes: it reads the tallies and says as of when they were counted.

What is counted: every finished attempt (submitted or closed at its deadline), on the local day of
its submission, for the unit and staff-ness frozen on the attempt when it started. Attempts
without a unit are not counted, as the subtree filters never reached them.

Each update recounts the days from the day before the previous update started, and replaces their
rows: an attempt finished since then was submitted then or later, or closed at a deadline at
most the grace period earlier (close_overdue_attempts runs every minute). `everything=True`
recounts every day (the first update, after restoring a backup or loading attempts directly).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
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


def tallies_update(*, everything: bool = False, now: datetime | None = None) -> date | None:
    """Recount the tallies of the days that can have changed since the last update (every day
    with `everything`, or when none has run yet); returns the first day recounted (None: all).
    The counting reads outside any transaction; only the replacement of the rows writes, under
    the lock of the TallyUpdate row, so that two updates replace the rows one after the other."""
    now = now or timezone.now()
    last = tallies_counted_at()
    since = None if everything or last is None else tally_day(last - SETTLE)
    attempts, answers = _counted(since)
    with transaction.atomic():
        # First: this row's lock (SELECT … FOR UPDATE) makes a concurrent update wait here.
        TallyUpdate.objects.update_or_create(pk=1, defaults={"counted_at": now})
        for model, rows in ((AttemptTally, attempts), (AnswerTally, answers)):
            stale = model.objects.all() if since is None else model.objects.filter(day__gte=since)
            stale.delete()
            model.objects.bulk_create(rows, batch_size=BATCH)
    return since


def _counted(since: date | None) -> tuple[list[AttemptTally], list[AnswerTally]]:
    tz = timezone.get_default_timezone()
    finished = Attempt.objects.finished().filter(unit__isnull=False)
    if since is not None:
        midnight = timezone.make_aware(datetime(since.year, since.month, since.day), tz)
        finished = finished.filter(submitted_at__gte=midnight)
    attempts = (finished.annotate(day=TruncDate("submitted_at", tzinfo=tz))
                .values_list("day", "unit_id", "quiz_id", "is_staff_member").annotate(n=Count("pk")).order_by())
    answers = (AttemptQuestion.objects.filter(attempt__in=finished)
               .annotate(day=TruncDate("attempt__submitted_at", tzinfo=tz))
               .values_list("day", "attempt__unit_id", "attempt__quiz_id", "attempt__is_staff_member", "question_id",
                            "topic_id_snapshot")
               .annotate(n=Count("pk"), ok=Count("pk", filter=Q(is_correct=True))).order_by())
    return (
        [AttemptTally(day=d, unit_id=u, quiz_id=z, is_staff_member=s, attempts=n) for d, u, z, s, n in attempts],
        [AnswerTally(day=d, unit_id=u, quiz_id=z, is_staff_member=s, question_id=q, topic_id=t, answers=n, correct=ok)
         for d, u, z, s, q, t, n, ok in answers.iterator(chunk_size=BATCH)],
    )
