"""Closing a round: the attempts still open graded, the suspicion flags computed, the final
ranking, the prizes and the published snapshot with its SHA-256.

It takes up to a minute at a million attempts, so it never runs in a web request: the
participation page calls `round_close_request`, which records a `RoundClosing` and puts
`round_closing_run` in the task queue (django-q2, ORM broker); a worker runs the steps.
`manage.py close_round` runs the same steps in-process (`round_close`).

Every step can run twice with the same result, and each one is recorded as it finishes. A worker
killed mid-way leaves the run `running` with its task unacknowledged; the queue presents the task
again after Q_CLUSTER's `retry` seconds, and the next worker goes on from the first step not
recorded (a step interrupted half-way rolled back with its transaction, or, done but not yet
recorded, is done again). The ranking, the prizes and the snapshot's hash are those of a run
never interrupted.

Prizes wait for the suspicion flags: the flags are computed first, and while any of them is
open the close is refused (FlagsUndecided) unless the organiser gave a reason to go on, which
is in the audit log.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_q.tasks import async_task

from accounts.audit import audit_log
from accounts.errors import DomainError
from accounts.models import User
from contests.errors import CloseInProgress, FlagsUndecided, RoundNotEnded
from contests.models import (
    ClosingStatus,
    ClosingStep,
    FlagStatus,
    Round,
    RoundClosing,
    Standing,
    SuspicionFlag,
)
from contests.models.closing import ACTIVE
from contests.ranking import actual_figure, final_ranks_compute, prizes_award, snapshot_write
from contests.suspicion import round_flags_compute
from quizzes.models import AttemptStatus
from quizzes.services.attempts import attempt_expire_if_overdue

TASK = "contests.closing.round_closing_run"


def open_flags(round_: Round) -> QuerySet[SuspicionFlag]:
    """The round's flags nobody has confirmed or cleared yet: what the prizes wait for."""
    return (SuspicionFlag.objects.filter(round=round_, status=FlagStatus.OPEN)
            .select_related("user__unit").order_by("id"))


def _flags_check(round_: Round, override_reason: str) -> list[int]:
    ids = list(SuspicionFlag.objects.filter(round=round_, status=FlagStatus.OPEN).order_by("id")
               .values_list("id", flat=True))
    if ids and not override_reason:
        raise FlagsUndecided(ids)
    return ids


def round_close_request(*, round_: Round, actor: User | None, override_reason: str = "",
                        now: datetime | None = None) -> RoundClosing:
    """Queue the round's close and return its run at once. A second request while a run is
    queued or running returns that run. Refused before the round's end plus the grace, and
    while a flag already found is undecided, unless `override_reason` says why not to wait
    (recorded in the audit log); the run itself computes the flags first and checks again."""
    now = now or timezone.now()
    reason = override_reason.strip()
    if not round_.can_be_closed(now):
        raise RoundNotEnded()
    with transaction.atomic():
        # The round's row lock makes two clicks at the same moment one run (PostgreSQL; SQLite's
        # IMMEDIATE transactions take turns anyway).
        Round.objects.select_for_update().filter(pk=round_.pk).first()
        active = round_.closings.filter(status__in=ACTIVE).first()
        if active is not None:
            return active
        flag_ids = _flags_check(round_, reason)
        closing = RoundClosing.objects.create(round=round_, requested_by=actor, requested_at=now,
                                              override_reason=reason, steps_total=len(ClosingStep.values))
        audit_log(actor=actor, action="contest.round_close_request", obj=round_, summary=str(round_),
                  data={"closing": closing.pk})
        if reason:
            audit_log(actor=actor, action="contest.round_close_override", obj=round_,
                      summary=f"{round_}: {reason}",
                      data={"closing": closing.pk, "reason": reason, "open_flags": flag_ids})
        # The ORM broker writes the task in this transaction: a worker sees it only once the run
        # it names is committed, and never a run without its task.
        closing.task_id = async_task(TASK, closing.pk, task_name=f"round-close-{closing.pk}", group="round_close")
        closing.save(update_fields=["task_id"])
    return closing


def round_closing_run(closing_id: int) -> str:
    """The task: run (or resume) a queued close. A refusal (undecided flags) ends the run as
    failed with its message; anything else that fails is recorded and raised, so the queue
    tries again (Q_CLUSTER's max_attempts), resuming where the run got to."""
    closing = RoundClosing.objects.select_related("round__contest", "requested_by").filter(pk=closing_id).first()
    if closing is None or closing.status == ClosingStatus.DONE or closing.error_code:
        return "nothing to do"
    if not _claim(closing):
        return "another run of this round is active"
    try:
        _steps_run(closing, now=None)
    except DomainError as exc:
        _fail(closing, message=exc.message, code=exc.code)
        return exc.code
    except Exception as exc:
        _fail(closing, message=f"{type(exc).__name__}: {exc}", code="")
        raise
    return "done"


def round_close(*, round_: Round, actor: User | None = None, now: datetime | None = None,
                override_reason: str = "") -> Round:
    """Close the round in this process (manage.py close_round, tests), through the same steps
    as the task. Idempotent: running it again on the same standings gives the same ranks,
    prizes and snapshot hash."""
    now = now or timezone.now()
    if not round_.can_be_closed(now):
        raise RoundNotEnded()
    reason = override_reason.strip()
    try:
        with transaction.atomic():
            closing = RoundClosing.objects.create(round=round_, requested_by=actor, requested_at=now,
                                                  status=ClosingStatus.RUNNING, started_at=now, runs=1,
                                                  override_reason=reason, steps_total=len(ClosingStep.values))
    except IntegrityError:
        raise CloseInProgress() from None
    if reason:
        audit_log(actor=actor, action="contest.round_close_override", obj=round_, summary=f"{round_}: {reason}",
                  data={"closing": closing.pk, "reason": reason,
                        "open_flags": list(open_flags(round_).values_list("id", flat=True))})
    try:
        _steps_run(closing, now=now)
    except DomainError as exc:
        _fail(closing, message=exc.message, code=exc.code)
        raise
    except Exception as exc:
        _fail(closing, message=f"{type(exc).__name__}: {exc}", code="")
        raise
    closing.round.refresh_from_db()
    return closing.round


def _claim(closing: RoundClosing) -> bool:
    """Mark the run as running (once more if resumed); False when the organiser asked for
    another run after this one failed."""
    now = timezone.now()
    closing.status, closing.error = ClosingStatus.RUNNING, ""
    closing.started_at = closing.started_at or now
    closing.runs += 1
    try:
        with transaction.atomic():
            closing.save(update_fields=["status", "error", "started_at", "runs"])
    except IntegrityError:
        return False
    return True


def _fail(closing: RoundClosing, *, message: str, code: str) -> None:
    closing.status, closing.error, closing.error_code = ClosingStatus.FAILED, message[:2000], code
    closing.finished_at = timezone.now()
    closing.save(update_fields=["status", "error", "error_code", "finished_at"])


def _steps_run(closing: RoundClosing, *, now: datetime | None) -> None:
    """Each step not yet recorded as done, in order. `now` is fixed for a run in-process; a
    task takes the time at each step (a resumed run starts later)."""
    round_ = closing.round
    for index, (step, run) in enumerate(STEPS):
        if index < closing.steps_done:
            continue
        closing.step = step
        closing.save(update_fields=["step"])
        run(round_, closing, now or timezone.now())
        # Tests slow the close down here to stop a worker between two steps.
        pause = getattr(settings, "ROUND_CLOSE_STEP_PAUSE_SECONDS", 0)
        if pause:
            time.sleep(pause)
        closing.steps_done = index + 1
        closing.save(update_fields=["steps_done"])
    closing.status, closing.finished_at = ClosingStatus.DONE, timezone.now()
    closing.save(update_fields=["status", "finished_at"])


def _step_overdue_attempts(round_: Round, closing: RoundClosing, now: datetime) -> None:
    # Attempts still open are past their deadline (cut at the round's close): grade them first,
    # so their standings exist before the ranking is frozen.
    if not round_.can_be_closed(now):
        raise RoundNotEnded()
    for quiz in round_.quizzes():
        for attempt in quiz.attempts.filter(status=AttemptStatus.OPEN).iterator():
            attempt_expire_if_overdue(attempt, now=now)


def _step_flags(round_: Round, closing: RoundClosing, now: datetime) -> None:
    # Decisions taken before this close survive it (round_flags_compute keeps them); a flag
    # found now blocks the prizes like one found before.
    round_flags_compute(round_=round_, now=now)
    _flags_check(round_, closing.override_reason)


def _step_final_ranks(round_: Round, closing: RoundClosing, now: datetime) -> None:
    with transaction.atomic():
        final_ranks_compute(round_, actual_figure(round_))


def _step_prizes(round_: Round, closing: RoundClosing, now: datetime) -> None:
    with transaction.atomic():
        prizes_award(round_)


def _step_snapshot(round_: Round, closing: RoundClosing, now: datetime) -> None:
    with transaction.atomic():
        # Lock the round row only: PostgreSQL refuses FOR UPDATE on the nullable side of the
        # staff_quiz outer join.
        locked = (Round.objects.select_for_update(of=("self",)).select_related("contest", "quiz", "staff_quiz")
                  .get(pk=round_.pk))
        previous_hash = locked.snapshot_sha256
        actual = actual_figure(locked)
        name, digest = snapshot_write(locked, actual)
        first_close = locked.closed_at is None
        locked.actual_figure = actual
        locked.closed_at = locked.closed_at or now
        locked.snapshot_name, locked.snapshot_sha256 = name, digest
        locked.save(update_fields=["actual_figure", "closed_at", "snapshot_name", "snapshot_sha256"])
        audit_log(actor=closing.requested_by, action="contest.round_close" if first_close else "contest.round_reclose",
                  obj=locked, summary=f"{locked} — {actual}",
                  data={"actual_figure": actual, "participants": Standing.objects.filter(round=locked).count(),
                        "prizes": locked.prizes.count(), "closing": closing.pk,
                        "open_flags": list(open_flags(locked).values_list("id", flat=True)),
                        "override_reason": closing.override_reason,
                        "sha256": digest, "previous_sha256": previous_hash})
    round_.closed_at, round_.actual_figure = locked.closed_at, locked.actual_figure
    round_.snapshot_name, round_.snapshot_sha256 = locked.snapshot_name, locked.snapshot_sha256


STEPS: list[tuple[str, Callable[[Round, RoundClosing, datetime], None]]] = [
    (ClosingStep.OVERDUE_ATTEMPTS, _step_overdue_attempts),
    (ClosingStep.FLAGS, _step_flags),
    (ClosingStep.FINAL_RANKS, _step_final_ranks),
    (ClosingStep.PRIZES, _step_prizes),
    (ClosingStep.SNAPSHOT, _step_snapshot),
]
