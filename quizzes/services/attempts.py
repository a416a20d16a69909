"""Starting, answering and submitting attempts: the rules that must hold under load.

Guards, in order of importance:
- At most one open attempt per person per quiz: the person's row is locked while starting
  (PostgreSQL), SQLite serialises writers (BEGIN IMMEDIATE), and a partial unique index catches
  anything that slips through.
- An answer is saved only while the attempt is open: the answer's single UPDATE re-checks it,
  holding a share lock on the attempt row (PostgreSQL; SQLite serialises writers), so a save and
  a submit never interleave (an acknowledged answer is always graded).
- Submitting twice grades once: the attempt row is locked and re-read; a finished attempt is
  returned as it is.
settings.QUIZ_RACE_GUARDS = False removes the locks, for the tests that prove the races exist.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone

from accounts import rows
from accounts.models import User
from accounts.roles import is_staff_member
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Audience,
    Question,
    QuestionType,
    Quiz,
    QuizOverride,
)
from quizzes.services import statements
from quizzes.services.errors import (
    AttemptClosed,
    InvalidAnswer,
    NoAttemptsLeft,
    NotEnoughQuestions,
    OneAnswerOnly,
    QuizError,
    QuizNotOpen,
)

# Sent inside the grading transaction, once per attempt, when it becomes submitted or expired.
# Contests keep their standings with it, so a standing never disagrees with its attempt.
attempt_finished = Signal()

# Functions (quiz=, user=, client_ip=) that raise a QuizError to refuse a new attempt (resuming
# one is never refused). Contests add their limit on starts per address here, so a round's quiz
# started through the engine's page or the API obeys it as the contest's start page does.
START_GUARDS: list[Callable[..., None]] = []


def _guards_on() -> bool:
    return getattr(settings, "QUIZ_RACE_GUARDS", True)


def _row_locks() -> bool:
    """Whether to lock rows: on PostgreSQL (SQLite has no row locks and serialises writers),
    unless the race tests switched the guards off."""
    return _guards_on() and connection.features.has_select_for_update


def _grace() -> timedelta:
    return timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS)


def _override(quiz: Quiz, user: User) -> QuizOverride | None:
    return QuizOverride.objects.filter(quiz=quiz, user=user).first()


def attempts_allowed(*, quiz: Quiz, user: User) -> int | None:
    """How many attempts this person may make (None: unlimited)."""
    if quiz.attempts_allowed is None:
        return None
    override = _override(quiz, user)
    return quiz.attempts_allowed + (override.extra_attempts if override else 0)


def attempts_left(*, quiz: Quiz, user: User) -> int | None:
    allowed = attempts_allowed(quiz=quiz, user=user)
    if allowed is None:
        return None
    used = quiz.attempts.filter(user=user).count()
    return max(0, allowed - used)


def _compatible(questions: QuerySet[Question], audience: str) -> QuerySet[Question]:
    """Questions every person of the quiz's audience may be shown. A quiz for everyone is also
    taken by residents, so it draws only questions written for everyone, never staff-only ones
    (QuestionQuerySet.for_audience(BOTH) keeps every question: it is a filter, not this rule)."""
    if audience == Audience.BOTH:
        return questions.filter(audience=Audience.BOTH)
    return questions.for_audience(audience)


def draw_questions(quiz: Quiz, rng: random.Random) -> list[Question]:
    """The questions of a new attempt: the fixed list if the quiz has one, else N published
    questions per topic drawn at random among those for the quiz's audience."""
    fixed = list(quiz.fixed_questions.order_by("quizfixedquestion__order").prefetch_related("choices"))
    if fixed:
        questions = fixed
    else:
        picked: list[int] = []
        for rule in quiz.draw_rules.all():
            pool = list(
                _compatible(Question.objects.published(), quiz.audience)
                .filter(topic_id=rule.topic_id).values_list("pk", flat=True)
            )
            if len(pool) < rule.count:
                raise NotEnoughQuestions()
            picked.extend(rng.sample(pool, rule.count))
        by_id = Question.objects.prefetch_related("choices").in_bulk(picked)
        questions = [by_id[pk] for pk in picked]
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    if not questions:
        raise NotEnoughQuestions()
    return questions


def _snapshot(attempt: Attempt, questions: list[Question], rng: random.Random) -> list[AttemptQuestion]:
    items = []
    for position, question in enumerate(questions, start=1):
        choices = [{"id": c.pk, "text": c.text, "correct": c.is_correct} for c in question.choices.all()]
        # True/false keeps its natural order; shuffling "Đúng/Sai" only confuses people.
        if attempt.quiz.shuffle_choices and question.type != QuestionType.TRUE_FALSE:
            rng.shuffle(choices)
        items.append(AttemptQuestion(
            attempt=attempt, question=question, position=position, type=question.type, text=question.text,
            explanation=question.explanation, topic_id_snapshot=question.topic_id, choices=choices,
        ))
    return items


def attempt_start(*, quiz: Quiz, user: User, client_ip: str | None = None, fingerprint: str = "",
                  now: datetime | None = None, rng: random.Random | None = None) -> Attempt:
    """Start an attempt, or return the person's open one (double clicks, two tabs, retries)."""
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    refusal: QuizError | None = None
    try:
        with transaction.atomic():
            if _guards_on():
                User.objects.select_for_update().filter(pk=user.pk).first()
            current = quiz.attempts.filter(user=user, status=AttemptStatus.OPEN).first()
            if current is not None:
                if now <= current.deadline + _grace():
                    return current
                _finish(current, now=now)
            # A refusal is raised after the block, so that closing the overdue attempt above is
            # committed (raising inside would roll its grading back after its signal was sent).
            try:
                for guard in START_GUARDS:
                    guard(quiz=quiz, user=user, client_ip=client_ip)
                return _create_attempt(quiz=quiz, user=user, now=now, rng=rng, client_ip=client_ip,
                                       fingerprint=fingerprint)
            except QuizError as exc:
                refusal = exc
    except IntegrityError:
        if not _guards_on():
            raise
        # Another request of the same person won the race (possible only where row locks are
        # not available): theirs is the attempt.
        return quiz.attempts.get(user=user, status=AttemptStatus.OPEN)
    raise refusal


def _create_attempt(*, quiz: Quiz, user: User, now: datetime, rng: random.Random, client_ip: str | None,
                    fingerprint: str) -> Attempt:
    if not quiz.is_open(now):
        raise QuizNotOpen()
    used = quiz.attempts.filter(user=user).count()
    allowed = attempts_allowed(quiz=quiz, user=user)
    if allowed is not None and used >= allowed:
        raise NoAttemptsLeft()
    override = _override(quiz, user)
    extra = timedelta(seconds=override.extra_seconds) if override else timedelta()
    deadline = now + quiz.time_limit + extra
    if quiz.closes_at is not None:
        deadline = min(deadline, quiz.closes_at)
    questions = draw_questions(quiz, rng)
    attempt = Attempt.objects.create(
        quiz=quiz, user=user, number=used + 1, started_at=now, deadline=deadline,
        max_score=len(questions), client_ip=client_ip, client_fingerprint=fingerprint[:64],
        unit_id=user.unit_id, is_staff_member=is_staff_member(user),
    )
    AttemptQuestion.objects.bulk_create(_snapshot(attempt, questions, rng))
    return attempt


def _lock(attempt_pk: int, *, user: User | None = None) -> Attempt | None:
    """The attempt and its quiz re-read inside the transaction, the attempt's row locked (not the
    quiz's), so that saves, submits and closings of one attempt take turns. With `user`, None
    unless the attempt is that person's (and then it carries them: the receivers need not read
    them again)."""
    locked = statements.attempt_with_quiz(attempt_pk, owner_pk=user.pk if user is not None else None,
                                          lock=_row_locks())
    if locked is not None and user is not None:
        Attempt.user.field.set_cached_value(locked, user)
    return locked


class AttemptNotFound(Exception):
    """The attempt is not the person's (or does not exist): the caller answers 404."""


def attempt_save_answer(*, item_id: int, choice_ids: list[int], attempt: Attempt | None = None,
                        attempt_id: int | None = None, user: User | None = None,
                        now: datetime | None = None) -> AttemptQuestion:
    """Save (or replace, or clear with []) the answer to one question of an open attempt.

    The attempt is either `attempt` (already checked to be the caller's) or `attempt_id` with
    `user`: then AttemptNotFound unless it is that person's, so the API needs no separate read
    of the attempt. The returned item holds its id, position, type, choices and the new answer.
    """
    now = now or timezone.now()
    try:
        item_pk = int(item_id)
        chosen = list(dict.fromkeys(int(c) for c in choice_ids))
    except (TypeError, ValueError):
        raise InvalidAnswer() from None
    attempt_pk = attempt.pk if attempt is not None else attempt_id
    owner = None if attempt is not None else user
    where = {"attempt_pk": attempt_pk, "item_pk": item_pk, "owner_pk": owner.pk if owner is not None else None,
             "open_since": now - _grace()}
    # One read and one write, outside any transaction: saving is the busiest request. The write
    # itself re-checks that the attempt is open (statements.write_answer), on PostgreSQL under a
    # share lock on the attempt row; SQLite serialises writers, so there the write lock is held
    # for that one statement. Either way a submit grades the answer (the write came first) or
    # the write finds the attempt closed, writes nothing, and the save is refused below.
    item = statements.answerable_item(**where)
    if item is not None:
        _check_choices(item, chosen)
        if statements.write_answer(item, chosen, now, open_since=where["open_since"], lock=_row_locks()):
            return item
    with transaction.atomic():
        # The attempt row locked, so a save and a submit of one attempt take turns.
        item = statements.answerable_item(**where, lock=_row_locks())
        if item is None:
            _refuse_answer(attempt_pk, user=owner, now=now)
            # Reached only when the attempt was closed here: committed on leaving the block, and
            # refused after it (raising inside would roll the closing back after its signal).
            closed = True
        else:
            closed = False
            _check_choices(item, chosen)
            statements.write_answer(item, chosen, now)
    if closed:
        raise AttemptClosed()
    return item


class SavedAnswer(NamedTuple):
    """An answer as written, which the API acknowledges (as it acknowledges an item's answer)."""

    pk: int  # the item's
    selected: list[int]
    answered_at: datetime


def attempt_save_answer_with_token(*, token_key: str, attempt_id: int, item_id: int, choice_ids: list[int],
                                   now: datetime | None = None) -> SavedAnswer | None:
    """The API's save when all is in order, as one statement (statements.write_answer_with_token):
    the answer written if the token is an active person's, the attempt theirs and open, the item
    the attempt's and the choices the item's. None when nothing was written: attempt_save_answer
    then finds out why and refuses as it always does."""
    now = now or timezone.now()
    chosen = list(dict.fromkeys(choice_ids))
    if not statements.write_answer_with_token(token_key=token_key, attempt_pk=attempt_id, item_pk=item_id,
                                              chosen=chosen, now=now, open_since=now - _grace(), lock=_row_locks()):
        return None
    return SavedAnswer(item_id, chosen, now)


def _refuse_answer(attempt_pk: int, *, user: User | None, now: datetime) -> None:
    """Why an answer cannot be saved (the uncommon paths): not the person's attempt, a closed
    attempt, an item of another attempt; an attempt past its deadline and grace is closed here
    (returning normally means exactly that)."""
    locked = _lock(attempt_pk, user=user)
    if locked is None:
        raise AttemptNotFound()
    if locked.status != AttemptStatus.OPEN:
        raise AttemptClosed()
    if now > locked.deadline + _grace():
        _finish(locked, now=now)
        return
    raise InvalidAnswer()


def _check_choices(item: AttemptQuestion, chosen: list[int]) -> None:
    valid = {c["id"] for c in item.choices}
    if not set(chosen) <= valid:
        raise InvalidAnswer()
    if item.type != QuestionType.MULTIPLE and len(chosen) > 1:
        raise OneAnswerOnly()


def attempt_submit(*, attempt: Attempt | None = None, attempt_id: int | None = None, user: User | None = None,
                   key: str = "", now: datetime | None = None) -> Attempt:
    """Grade and close an attempt. Idempotent: a finished attempt is returned unchanged.

    The attempt is `attempt`, or `attempt_id` with `user` (AttemptNotFound unless it is that
    person's). The returned attempt carries its graded items (attempt.items.all() reads no more).
    """
    now = now or timezone.now()
    with transaction.atomic():
        if attempt is not None and not _guards_on():
            locked = attempt
        else:
            locked = _lock(attempt.pk if attempt is not None else attempt_id,
                           user=None if attempt is not None else user)
            if locked is None:
                raise AttemptNotFound()
        if locked.status != AttemptStatus.OPEN:
            return locked
        return _finish(locked, now=now, key=key)


def _finish(attempt: Attempt, *, now: datetime, key: str = "") -> Attempt:
    """Grade what was saved. Past the deadline the attempt counts as closed at the deadline."""
    late = now > attempt.deadline + _grace()
    finished_at = min(now, attempt.deadline) if late or now > attempt.deadline else now
    # Read now, under the lock (never a list cached before it), and kept on the attempt as if
    # prefetched: the graded items are what a review and the attempt_finished receivers use next.
    items = statements.attempt_items(attempt)
    for item in items:
        item.is_correct = item.grade()
    right = [item.pk for item in items if item.is_correct]
    statements.grade_items(attempt, right)
    _keep_as_prefetched(attempt, "items", items)
    correct = len(right)
    attempt.status = AttemptStatus.EXPIRED if late else AttemptStatus.SUBMITTED
    attempt.submitted_at = finished_at
    attempt.score = correct
    attempt.max_score = len(items)
    attempt.score_percent = _percent(correct, len(items))
    attempt.passed = attempt.score_percent >= attempt.quiz.pass_mark_percent
    attempt.duration_ms = max(0, int((finished_at - attempt.started_at).total_seconds() * 1000))
    attempt.submit_key = key[:64]
    rows.update(attempt, (
        "status", "submitted_at", "score", "max_score", "score_percent", "passed", "duration_ms", "submit_key",
    ))
    attempt_finished.send(sender=Attempt, attempt=attempt)
    return attempt


def _keep_as_prefetched(instance, name: str, objects: list) -> None:
    """instance.<name>.all() answers `objects` without a query, as after prefetch_related."""
    cached = getattr(instance, name).all()
    cached._result_cache, cached._prefetch_done = objects, True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = cached


def _percent(correct: int, total: int) -> Decimal:
    if total == 0:
        return Decimal("0.00")
    return (Decimal(100) * correct / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def attempt_expire_if_overdue(attempt: Attempt, *, now: datetime | None = None) -> Attempt:
    """The check made on every access: an attempt past its deadline and grace is closed with
    what was saved."""
    now = now or timezone.now()
    if attempt.status == AttemptStatus.OPEN and now > attempt.deadline + _grace():
        with transaction.atomic():
            locked = _lock(attempt.pk)
            if locked is None:
                raise Attempt.DoesNotExist
            if locked.status == AttemptStatus.OPEN:
                return _finish(locked, now=now)
            return locked
    return attempt


def attempts_close_overdue(*, now: datetime | None = None) -> int:
    """Close every attempt past its deadline and grace (the management command's job)."""
    now = now or timezone.now()
    closed = 0
    for attempt in Attempt.objects.filter(status=AttemptStatus.OPEN, deadline__lt=now - _grace()).iterator():
        before = attempt.status
        if attempt_expire_if_overdue(attempt, now=now).status != before:
            closed += 1
    return closed


def counted_attempt(*, quiz: Quiz, user: User) -> Attempt | None:
    """The attempt that counts for this person, by the quiz's scoring rule."""
    finished = quiz.attempts.filter(user=user).finished()
    rule = quiz.scoring_rule
    if rule == "first":
        return finished.order_by("number").first()
    if rule == "last":
        return finished.order_by("-number").first()
    return finished.order_by("-score", "duration_ms", "submitted_at").first()


def can_review(attempt: Attempt, *, now: datetime | None = None) -> bool:
    """Whether the person may see the correct answers and explanations of this attempt."""
    if attempt.status == AttemptStatus.OPEN:
        return False
    policy = attempt.quiz.review_policy
    if policy == "immediately":
        return True
    if policy == "after_close":
        return attempt.quiz.is_closed(now)
    return False
