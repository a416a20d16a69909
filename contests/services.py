"""Contest workflows: entering a round, submitting with the prediction, closing a round."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import audit_log
from accounts.models import User
from accounts.ratelimit import hit
from accounts.roles import is_staff_member
from contests.errors import (
    BirthYearMissing,
    InvalidPrediction,
    RoundClosed,
    RoundNotEnded,
    RoundNotOpen,
    TooManyStarts,
    TooYoung,
    WrongAudience,
)
from contests.models import ContestAudience, Prediction, Round, Standing
from contests.ranking import actual_figure, final_ranks_compute, prizes_award, snapshot_write
from contests.standings import standing_take_prediction
from contests.suspicion import round_flags_compute
from quizzes.models import Attempt, AttemptStatus, Quiz
from quizzes.services.attempts import attempt_expire_if_overdue, attempt_start, attempt_submit

PREDICTION_MAX = 10_000_000


def _start_limit() -> tuple[int, int]:
    # Generous: a village hall or the public service centre puts many people behind one address.
    return (getattr(settings, "CONTEST_STARTS_PER_IP", 60), getattr(settings, "CONTEST_STARTS_WINDOW_SECONDS", 600))


def round_eligibility_check(*, round_: Round, user: User) -> None:
    """Raise the reason this person may not take part in the round's contest (audience, age)."""
    contest = round_.contest
    staff = is_staff_member(user)
    if (contest.audience == ContestAudience.RESIDENTS and staff) or (
            contest.audience == ContestAudience.STAFF and not staff):
        raise WrongAudience()
    if contest.min_age:
        if not user.birth_year:
            raise BirthYearMissing()
        if round_.opens_at.year - user.birth_year < contest.min_age:
            raise TooYoung()


def round_quiz_for(*, round_: Round, user: User) -> Quiz:
    """The question pool this person draws from: the staff pool for staff when there is one."""
    return round_.staff_quiz if _takes_staff_pool(round_, user) else round_.quiz


def round_quiz_id_for(*, round_: Round, user: User) -> int:
    return round_.staff_quiz_id if _takes_staff_pool(round_, user) else round_.quiz_id


def _takes_staff_pool(round_: Round, user: User) -> bool:
    return bool(round_.staff_quiz_id) and is_staff_member(user)


def round_enter(*, round_: Round, user: User, client_ip: str | None = None, fingerprint: str = "",
                now: datetime | None = None, assisted_by: User | None = None) -> Attempt:
    """Start (or resume) the person's attempt at a round, after the contest's own checks. The
    engine then refuses a start past the quota or outside the quiz window, and the
    attempt_starting receiver one address's flood of starts."""
    now = now or timezone.now()
    if round_.is_final or round_.has_ended(now):
        raise RoundClosed()
    if not round_.is_open(now):
        raise RoundNotOpen()
    round_eligibility_check(round_=round_, user=user)
    quiz = round_quiz_for(round_=round_, user=user)
    return attempt_start(quiz=quiz, user=user, client_ip=client_ip, fingerprint=fingerprint, now=now,
                         assisted_by=assisted_by)


def round_start_limit_check(*, client_ip: str | None) -> None:
    """A new attempt at a round's quiz counts against its network address, whichever way it is
    started (the contest's page, the engine's page, the API)."""
    if not client_ip:
        return
    limit, window = _start_limit()
    if not hit(f"contest-start:{client_ip}", limit=limit, window_seconds=window):
        raise TooManyStarts()


def prediction_validate(value: object) -> int:
    """A whole number from 0 to PREDICTION_MAX, digits only ("1.000" and "-3" are refused)."""
    text = str(value if value is not None else "").strip().replace(" ", "")
    if not text.isdigit() or not text.isascii() or len(text) > len(str(PREDICTION_MAX)):
        raise InvalidPrediction()
    number = int(text)
    if number > PREDICTION_MAX:
        raise InvalidPrediction()
    return number


def attempt_submit_with_prediction(*, attempt: Attempt, round_: Round, prediction: object, key: str = "",
                                   now: datetime | None = None) -> Attempt:
    """Record the tie-break prediction, then submit: the grading's attempt_finished receiver
    writes the standing with the guess in it. The prediction never changes the score.
    A finished attempt without a prediction (time ran out) may still get one while the round is
    open; a prediction, once given, stays (even if the submit after it fails and is tried again).
    The page's `key` makes a second post of the same form the same submit."""
    now = now or timezone.now()
    value = prediction_validate(prediction)
    # A round that has ended takes no more predictions, even for an attempt still in its grace
    # period: the actual figure may be computed at any moment after the close.
    if round_.is_final or round_.has_ended(now):
        raise RoundClosed()
    _prediction_keep(attempt=attempt, value=value, now=now)
    if not attempt.is_open:
        standing_take_prediction(round_=round_, attempt=attempt)
        return attempt
    graded = attempt_submit(attempt=attempt, key=key, now=now)
    if not key or graded.submit_key != key[:64]:
        # Closed by something else since this page read it (its deadline, another tab): that
        # grading may have missed the guess.
        standing_take_prediction(round_=round_, attempt=graded)
    return graded


def _prediction_keep(*, attempt: Attempt, value: int, now: datetime) -> None:
    """Record the guess unless the attempt has one already: a prediction, once given, stays."""
    if hasattr(attempt, "contest_prediction"):
        return
    # Another post of the same form may have recorded its guess first. The page runs in
    # autocommit (each statement its own transaction), so the refused insert leaves nothing behind.
    with suppress(IntegrityError):
        Prediction.objects.create(attempt=attempt, value=value, created_at=now)


def round_close(*, round_: Round, actor: User | None = None, now: datetime | None = None) -> Round:
    """Compute the final ranking, the prizes and the snapshot. Idempotent: running it again on
    the same standings gives the same ranks, prizes and snapshot hash."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS)
    if now < round_.closes_at + grace:
        raise RoundNotEnded()
    # Attempts still open are past their deadline (cut at the round's close): grade them first,
    # so their standings exist before the ranking is frozen.
    for quiz in round_.quizzes():
        for attempt in quiz.attempts.filter(status=AttemptStatus.OPEN).iterator():
            attempt_expire_if_overdue(attempt, now=now)
    with transaction.atomic():
        # Lock the round row only: PostgreSQL refuses FOR UPDATE on the nullable side of the
        # staff_quiz outer join.
        round_ = (Round.objects.select_for_update(of=("self",)).select_related("contest", "quiz", "staff_quiz")
                  .get(pk=round_.pk))
        previous_hash = round_.snapshot_sha256
        actual = actual_figure(round_)
        final_ranks_compute(round_, actual)
        # Flags first: a confirmed one keeps its person out of the prizes. Decisions taken
        # before this close survive it (round_flags_compute keeps them).
        flags = round_flags_compute(round_=round_, now=now)
        prizes = prizes_award(round_)
        name, digest = snapshot_write(round_, actual)
        first_close = round_.closed_at is None
        round_.actual_figure = actual
        round_.closed_at = round_.closed_at or now
        round_.snapshot_name, round_.snapshot_sha256 = name, digest
        round_.save(update_fields=["actual_figure", "closed_at", "snapshot_name", "snapshot_sha256"])
        audit_log(actor=actor, action="contest.round_close" if first_close else "contest.round_reclose",
                  obj=round_, summary=f"{round_} — {actual}",
                  data={"actual_figure": actual, "participants": Standing.objects.filter(round=round_).count(),
                        "prizes": len(prizes), "open_flags": flags, "sha256": digest, "previous_sha256": previous_hash})
    return round_
