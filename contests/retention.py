"""Contest data retention: a set time after a contest's prizes were awarded, its contestants'
personal data is removed, and what remains are anonymous standings so rankings stay true.

`contest_retention_apply` is the one entry point: `manage.py apply_retention` calls it, and the
task queue's scheduler is meant to call it daily (it takes no request, only keyword arguments
with defaults, is idempotent, and returns a small picklable result). What is kept and what is
removed is written in accounts/README.md ("Retention of contest data").
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from accounts.audit import audit_log
from accounts.models import User
from accounts.roles import without_staff
from accounts.services import user_anonymise
from contests.models import Contest, Round
from quizzes.models import Attempt

_CHUNK = 500


@dataclass
class RetentionResult:
    contests: list[int] = field(default_factory=list)  # ids of the contests past their retention
    anonymised: int = 0  # residents' accounts anonymised by this run
    attempts_cleared: int = 0  # attempts whose address and device fingerprint were erased


def months_before(moment: datetime, months: int) -> datetime:
    """The same time `months` calendar months earlier (31 March - 1 month = 28 or 29 February)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def contests_past_retention(*, cutoff: datetime) -> QuerySet[Contest]:
    """Contests whose every round is closed (its prizes awarded) and whose last round closed
    before `cutoff`. A contest with a round still open or not yet closed is never due."""
    return (
        Contest.objects.annotate(
            last_award=Max("rounds__closed_at"),
            unclosed=Count("rounds", filter=Q(rounds__closed_at__isnull=True)),
        )
        .filter(unclosed=0, last_award__lt=cutoff)
    )


def _quiz_ids(rounds: QuerySet[Round]) -> set[int]:
    ids = set()
    for quiz_id, staff_quiz_id in rounds.values_list("quiz_id", "staff_quiz_id"):
        ids.add(quiz_id)
        if staff_quiz_id:
            ids.add(staff_quiz_id)
    return ids


def contest_retention_apply(*, now: datetime | None = None, months: int | None = None) -> RetentionResult:
    """Apply CONTEST_DATA_RETENTION_MONTHS (or `months`) as of `now`.

    For every contest past its retention:
    - every attempt at its rounds forgets the network address and device fingerprint it came from;
    - every resident who took part is anonymised (accounts.services.user_anonymise) unless they
      also took part in a contest not yet past retention (the run after that one is, catches
      them) or logged in within the retention period (they still use the account; a later run
      catches them once they stop). Staff keep their accounts: their training records are the
      commune's; only their attempts' address and fingerprint go.
    Standings, unit standings, prizes, predictions and the published snapshot stay, attached to
    anonymous rows. Running it again changes nothing more.
    """
    now = now or timezone.now()
    cutoff = months_before(now, months or settings.CONTEST_DATA_RETENTION_MONTHS)
    due = list(contests_past_retention(cutoff=cutoff).values_list("pk", flat=True))
    result = RetentionResult(contests=due)
    if not due:
        return result
    due_quizzes = _quiz_ids(Round.objects.filter(contest__in=due))
    kept_quizzes = _quiz_ids(Round.objects.exclude(contest__in=due))

    result.attempts_cleared = (
        Attempt.objects.filter(quiz_id__in=due_quizzes).exclude(client_ip=None, client_fingerprint="")
        .update(client_ip=None, client_fingerprint="")
    )
    residents = (
        without_staff(User.objects.filter(anonymised_at__isnull=True))
        .filter(pk__in=Attempt.objects.filter(quiz_id__in=due_quizzes).values("user_id"))
        .exclude(pk__in=Attempt.objects.filter(quiz_id__in=kept_quizzes).values("user_id"))
        .exclude(last_login__gte=cutoff)
        .distinct()
    )
    # The ids first: SQLite does not isolate a cursor from writes to the table it reads. One
    # transaction per person (user_anonymise is atomic): a run stopped half-way keeps what it did,
    # and the next run does the rest.
    pks = list(residents.values_list("pk", flat=True))
    for start in range(0, len(pks), _CHUNK):
        for user in User.objects.filter(pk__in=pks[start:start + _CHUNK]):
            user_anonymise(user=user, by_retention=True)
            result.anonymised += 1
    if result.anonymised or result.attempts_cleared:
        audit_log(actor=None, action="retention.apply", summary=f"Contest data retention: {len(due)} contest(s)",
                  data={"contests": due, "anonymised": result.anonymised,
                        "attempts_cleared": result.attempts_cleared, "cutoff": cutoff.isoformat()})
    return result
