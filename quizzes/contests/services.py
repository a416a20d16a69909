"""Contest workflows: entering a round, submitting with the prediction, closing a round."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_log
from accounts.models import User
from accounts.ratelimit import hit
from accounts.roles import is_staff_member
from quizzes.contests.errors import (
    BirthYearMissing,
    InvalidPrediction,
    RoundClosed,
    RoundNotEnded,
    RoundNotOpen,
    TooManyStarts,
    TooYoung,
    WrongAudience,
)
from quizzes.contests.models import ContestAudience, Prediction, Prize, Round, Standing
from quizzes.contests.ranking import actual_figure, final_ranks_compute, prizes_award, snapshot_write
from quizzes.contests.standings import round_for_quiz, standing_refresh
from quizzes.contests.suspicion import round_flags_compute
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
    if round_.staff_quiz_id and is_staff_member(user):
        return round_.staff_quiz
    return round_.quiz


def round_enter(*, round_: Round, user: User, client_ip: str | None = None, fingerprint: str = "",
                now: datetime | None = None) -> Attempt:
    """Start (or resume) the person's attempt at a round, after the contest's own checks. The
    engine then refuses a start past the quota or outside the quiz window, or one address's
    flood of starts (contest_start_guard)."""
    now = now or timezone.now()
    if round_.is_final or round_.has_ended(now):
        raise RoundClosed()
    if not round_.is_open(now):
        raise RoundNotOpen()
    round_eligibility_check(round_=round_, user=user)
    quiz = round_quiz_for(round_=round_, user=user)
    # The limit on starts per address is contest_start_guard's, which the engine runs for a new
    # attempt whichever way it is started (this page, the engine's page, the API).
    return attempt_start(quiz=quiz, user=user, client_ip=client_ip, fingerprint=fingerprint, now=now)


def contest_start_guard(*, quiz: Quiz, user: User, client_ip: str | None) -> None:
    """The engine's start guard: a new attempt at a round's quiz counts against its address."""
    if not client_ip or round_for_quiz(quiz) is None:
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


def _round_accepting(attempt: Attempt, now: datetime) -> Round:
    round_ = round_for_quiz(attempt.quiz_id)
    if round_ is None:
        raise RoundNotOpen()
    # A round that has ended takes no more predictions, even for an attempt still in its grace
    # period: the actual figure may be computed at any moment after the close.
    if round_.is_final or round_.has_ended(now):
        raise RoundClosed()
    return round_


def attempt_submit_with_prediction(*, attempt: Attempt, prediction: object, key: str = "",
                                   now: datetime | None = None) -> Attempt:
    """Record the tie-break prediction and submit, in one transaction: the standing written by
    the grading signal already carries the guess. The prediction never changes the score.
    A finished attempt without a prediction (time ran out) may still get one while the round
    is open; a prediction, once given, stays."""
    now = now or timezone.now()
    value = prediction_validate(prediction)
    with transaction.atomic():
        _round_accepting(attempt, now)
        _prediction, created = Prediction.objects.get_or_create(
            attempt=attempt, defaults={"value": value, "created_at": now})
        attempt.refresh_from_db()
        if attempt.status == AttemptStatus.OPEN:
            attempt = attempt_submit(attempt=attempt, key=key, now=now)
        elif created:
            standing_refresh(attempt=attempt)
    return attempt


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


def winners(round_: Round) -> list[Prize]:
    return list(Prize.objects.filter(round=round_).select_related("standing__user", "unit"))
