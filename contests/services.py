"""Contest workflows: entering a round, submitting with the prediction (closing a round: closing.py)."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from accounts.models import User
from accounts.ratelimit import hit
from accounts.roles import is_staff_member
from contests.errors import (
    BirthYearMissing,
    InvalidPrediction,
    RoundClosed,
    RoundNotOpen,
    TooManyStarts,
    TooYoung,
    WrongAudience,
)
from contests.models import ContestAudience, Prediction, Round
from contests.standings import standing_take_prediction
from quizzes.models import Attempt, Quiz
from quizzes.services.attempts import attempt_start, attempt_submit

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
                now: datetime | None = None) -> Attempt:
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
    return attempt_start(quiz=quiz, user=user, client_ip=client_ip, fingerprint=fingerprint, now=now)


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
