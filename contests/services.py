"""Contest workflows: entering a round, submitting with the prediction (closing a round: closing.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import IntegrityError
from django.utils import timezone

from accounts.models import User
from accounts.ratelimit import limit_hit
from accounts.roles import is_staff_member
from contests.errors import (
    BirthYearMissing,
    InvalidPrediction,
    PredictionTooLate,
    RoundClosed,
    RoundNotOpen,
    TooManyStarts,
    TooManyStartsByPerson,
    TooYoung,
    WrongAudience,
)
from contests.models import Prediction, Round
from quizzes.models import Attempt, Quiz
from quizzes.services.attempts import attempt_start, attempt_submit

PREDICTION_MAX = 10_000_000


def round_eligibility_check(*, round_: Round, user: User) -> None:
    """Raise the reason this person may not take part in the round's contest (audience, age)."""
    contest = round_.contest
    if not contest.admits(staff=is_staff_member(user)):
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


def round_start_limit_check(*, user: User, client_ip: str | None) -> None:
    """A new attempt at a round's quiz counts against the person and against their network
    address, whichever way it is started (the contest's page, the engine's page, the API). The
    person's limit does the real work; the address's is sized for a mobile network's shared
    address (RATE_LIMITS in config/settings.py)."""
    person_ok = limit_hit("contest-start-person", str(user.pk))
    address_ok = limit_hit("contest-start-address", client_ip) if client_ip else True
    if not person_ok:
        raise TooManyStartsByPerson()
    if not address_ok:
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

    The prediction is given with the submit and is final: an attempt already closed (submitted,
    or by its timer) takes none (PredictionTooLate), so nobody can submit, watch the public
    participant count, then guess. An attempt closed without one ranks after those with one.
    A prediction, once given, stays (even if the submit after it fails and is tried again).
    `key` makes a second post of the same form the same submit."""
    now = now or timezone.now()
    if not attempt.is_open:
        if key and attempt.submit_key == key[:64]:
            return attempt  # the same form posted again: the same submit
        raise PredictionTooLate()
    # A round that has ended takes no more predictions, even for an attempt still in its grace
    # period: the actual figure may be computed at any moment after the close.
    if round_.is_final or round_.has_ended(now):
        raise RoundClosed()
    value = prediction_validate(prediction)
    # Without a key of its own, this submit could not tell its grading from an earlier one.
    key = (key or uuid.uuid4().hex)[:64]
    recorded = _prediction_keep(attempt=attempt, value=value, now=now)
    graded = attempt_submit(attempt=attempt, key=key, now=now)
    if graded.submit_key != key:
        # Closed by something else since the page read it (its timer, another tab's submit):
        # this guess came after that submit, so it is not kept.
        if recorded is not None:
            recorded.delete()
        raise PredictionTooLate()
    return graded


def _prediction_keep(*, attempt: Attempt, value: int, now: datetime) -> Prediction | None:
    """Record the guess unless the attempt has one already (a prediction, once given, stays): the
    row made, or None."""
    if hasattr(attempt, "contest_prediction"):
        return None
    # Another post of the same form may have recorded its guess first. The page runs in
    # autocommit (each statement its own transaction), so the refused insert leaves nothing behind.
    try:
        return Prediction.objects.create(attempt=attempt, value=value, created_at=now)
    except IntegrityError:
        return None

