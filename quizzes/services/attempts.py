"""Starting, answering and submitting attempts: the rules that must hold under load.

Guards, in order of importance:
- At most one open attempt per person per quiz: the person's row is locked while starting, and
  a partial unique index catches anything that slips through.
- An answer is saved only while the attempt is open, and a save and a submit of one attempt take
  turns on the attempt's row: a save reads its item and the attempt, locked, then writes, in one
  transaction; a submit locks the same row while grading. So an acknowledged answer is graded.
- Submitting twice grades once: the attempt row is locked and re-read; a finished attempt is
  returned as it is.
The locks are `_for_update()`: SELECT … FOR UPDATE on PostgreSQL. SQLite has no row locks and
needs none: every transaction begins IMMEDIATE (config/settings.py), so writers take turns.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_staff_member
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Audience,
    Question,
    QuestionStatus,
    QuestionType,
    Quiz,
    QuizOverride,
)
from quizzes.services.errors import (
    AttemptClosed,
    AttemptOpenElsewhere,
    InvalidAnswer,
    NoAttemptsLeft,
    NotEnoughQuestions,
    OneAnswerOnly,
    QuizError,
    QuizNotOpen,
)
from quizzes.signals import Withheld, answer_review_withheld, attempt_finished, attempt_starting


def _for_update(queryset: QuerySet, *, of: tuple[str, ...] = ("self",)) -> QuerySet:
    """The rows of `queryset` (those of the models `of` names) locked until the transaction
    ends. The race tests' controls replace this with a function that locks nothing."""
    return queryset.select_for_update(of=of)


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


def _audience_filter(audience: str) -> Q:
    """Questions every person of the quiz's audience may be shown. A quiz for everyone is also
    taken by residents, so it draws only questions written for everyone, never staff-only ones
    (QuestionQuerySet.for_audience(BOTH) keeps every question: it is a filter, not this rule)."""
    if audience == Audience.BOTH:
        return Q(audience=Audience.BOTH)
    return Q(audience__in=[audience, Audience.BOTH])


def _compatible(questions: QuerySet[Question], audience: str) -> QuerySet[Question]:
    return questions.filter(_audience_filter(audience))


def draw_pool(quiz: Quiz) -> Q:
    """Every question a new attempt at this quiz can draw, as a filter on Question: its fixed
    questions if it has any, else the published questions of its draw rules' topics for its
    audience (what draw_questions picks from). Reads `quiz.fixed_questions` and
    `quiz.draw_rules`, so prefetch both when asking for many quizzes."""
    fixed = [question.pk for question in quiz.fixed_questions.all()]
    if fixed:
        return Q(pk__in=fixed)
    topics = [rule.topic_id for rule in quiz.draw_rules.all()]
    if not topics:
        return Q(pk__in=[])
    return Q(status=QuestionStatus.PUBLISHED, topic_id__in=topics) & _audience_filter(quiz.audience)


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
                  now: datetime | None = None, rng: random.Random | None = None,
                  assisted_by: User | None = None) -> Attempt:
    """Start an attempt, or return the person's open one (double clicks, two tabs, retries).
    Before a new one is made, the receivers of quizzes.signals.attempt_starting may refuse it.
    `assisted_by`: the person who takes the attempt with `user` on their own device (assisted
    mode); an open attempt is resumed only by the same hands (AttemptOpenElsewhere otherwise)."""
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    refusal: QuizError | None = None
    try:
        with transaction.atomic():
            _for_update(User.objects.filter(pk=user.pk)).first()
            current = _for_update(quiz.attempts.filter(user=user, status=AttemptStatus.OPEN)).first()
            if current is not None:
                if now <= current.deadline + _grace():
                    if current.assisted_by_id != (assisted_by.pk if assisted_by else None):
                        raise AttemptOpenElsewhere()
                    return current
                _finish(current, now=now)
            # A refusal is raised after the block, so that closing the overdue attempt above is
            # committed (raising inside would roll its grading back after its signal was sent).
            try:
                attempt_starting.send(sender=Attempt, quiz=quiz, user=user, client_ip=client_ip)
                return _create_attempt(quiz=quiz, user=user, now=now, rng=rng, client_ip=client_ip,
                                       fingerprint=fingerprint, assisted_by=assisted_by)
            except QuizError as exc:
                refusal = exc
    except IntegrityError:
        # Another request of the same person made the attempt first (the unique index of open
        # attempts refused this one): theirs is the attempt.
        return quiz.attempts.get(user=user, status=AttemptStatus.OPEN)
    raise refusal


def _create_attempt(*, quiz: Quiz, user: User, now: datetime, rng: random.Random, client_ip: str | None,
                    fingerprint: str, assisted_by: User | None = None) -> Attempt:
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
        unit_id=user.unit_id, is_staff_member=is_staff_member(user), assisted_by=assisted_by,
    )
    AttemptQuestion.objects.bulk_create(_snapshot(attempt, questions, rng))
    return attempt


def _locked_attempt(attempt_pk: int, *, user: User | None = None) -> Attempt | None:
    """The attempt and its quiz read inside the transaction, the attempt's row locked (not the
    quiz's), so that saves, submits and closings of one attempt take turns. With `user`, None
    unless the attempt is that person's (and then it carries them: the receivers need not read
    them again)."""
    attempts = Attempt.objects.select_related("quiz").filter(pk=attempt_pk)
    if user is not None:
        attempts = attempts.filter(user=user)
    locked = _for_update(attempts).first()
    if locked is not None and user is not None:
        Attempt.user.field.set_cached_value(locked, user)
    return locked


class AttemptNotFound(Exception):
    """The attempt is not the person's (or does not exist): the caller answers 404."""


def attempt_save_answer(*, item_id: int, choice_ids: list[int] | None = None, positions: list[int] | None = None,
                        attempt: Attempt | None = None, attempt_id: int | None = None, user: User | None = None,
                        now: datetime | None = None) -> AttemptQuestion:
    """Save (or replace, or clear with []) the answer to one question of an open attempt.

    The answer is `choice_ids` (the API's) or `positions`, the choices' places as shown from 1
    (the pages': choice ids never reach the browser). The attempt is `attempt` (already checked
    to be the caller's) or `attempt_id` with `user`: then AttemptNotFound unless it is that
    person's. Returns the item with its attempt and the new answer.
    """
    now = now or timezone.now()
    attempt_pk = attempt.pk if attempt is not None else attempt_id
    owner = None if attempt is not None else user
    closed = False
    with transaction.atomic():
        items = AttemptQuestion.objects.select_related("attempt").filter(pk=_as_id(item_id), attempt_id=attempt_pk)
        if owner is not None:
            items = items.filter(attempt__user=owner)
        item = _for_update(items, of=("attempt",)).first()
        if item is None or not item.attempt.is_open or now > item.attempt.deadline + _grace():
            # Why not: raises, or closes the overdue attempt and returns (then refused below,
            # after the closing is committed: raising inside would roll it back).
            _refuse_answer(attempt_pk, user=owner, now=now)
            closed = True
        else:
            chosen = _chosen(item, choice_ids=choice_ids, positions=positions)
            item.selected, item.answered_at = chosen, now
            item.save(update_fields=["selected", "answered_at"])
    if closed:
        raise AttemptClosed()
    return item


def attempt_save_page(*, attempt: Attempt, items: list[AttemptQuestion], answers: dict[int, list[int]],
                      now: datetime | None = None) -> int:
    """Save the answers of one page of the attempt page, posted as a plain form (any of its
    buttons; what a phone without JavaScript sends): `answers` maps each item of `items` to its
    chosen choice ids ([] clears it). All of them or none. Each goes through attempt_save_answer,
    the autosave's own rule, so a page post and an htmx save are refused or taken alike; an answer
    equal to the one stored (as read in `items`) is not written again. Returns how many were
    written."""
    written = 0
    with transaction.atomic():
        for item in items:
            chosen = answers.get(item.pk)
            if chosen is not None and set(chosen) != set(item.selected):
                attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=chosen, now=now)
                written += 1
    return written


def _as_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidAnswer() from None


def _chosen(item: AttemptQuestion, *, choice_ids: list[int] | None, positions: list[int] | None) -> list[int]:
    """The chosen choice ids, each once, if they may answer the item (else a QuizError)."""
    if positions is not None:
        places = sorted({_as_id(p) for p in positions})
        if any(not 1 <= place <= len(item.choices) for place in places):
            raise InvalidAnswer()
        chosen = [item.choices[place - 1]["id"] for place in places]
    else:
        chosen = list(dict.fromkeys(_as_id(c) for c in choice_ids or []))
    if not set(chosen) <= {c["id"] for c in item.choices}:
        raise InvalidAnswer()
    if item.type != QuestionType.MULTIPLE and len(chosen) > 1:
        raise OneAnswerOnly()
    return chosen


def _refuse_answer(attempt_pk: int, *, user: User | None, now: datetime) -> None:
    """Why an answer cannot be saved: not the person's attempt, a closed attempt, an item of
    another attempt. An attempt past its deadline and grace is closed here (returning normally
    means exactly that)."""
    locked = _locked_attempt(attempt_pk, user=user)
    if locked is None:
        raise AttemptNotFound()
    if locked.status != AttemptStatus.OPEN:
        raise AttemptClosed()
    if now > locked.deadline + _grace():
        _finish(locked, now=now)
        return
    raise InvalidAnswer()


def attempt_submit(*, attempt: Attempt | None = None, attempt_id: int | None = None, user: User | None = None,
                   key: str = "", now: datetime | None = None) -> Attempt:
    """Grade and close an attempt. Idempotent: a finished attempt is returned unchanged.

    The attempt is `attempt`, or `attempt_id` with `user` (AttemptNotFound unless it is that
    person's). The returned attempt carries its graded items (attempt.items.all() reads no more).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_attempt(attempt.pk if attempt is not None else attempt_id,
                                 user=None if attempt is not None else user)
        if locked is None:
            raise AttemptNotFound()
        if locked.status != AttemptStatus.OPEN:
            return locked
        return _finish(locked, now=now, key=key)


def _finish(attempt: Attempt, *, now: datetime, key: str = "") -> Attempt:
    """Grade what was saved, then send attempt_finished (inside the caller's transaction, with
    the attempt's row locked). Past the deadline the attempt counts as closed at the deadline."""
    late = now > attempt.deadline + _grace()
    finished_at = min(now, attempt.deadline) if late or now > attempt.deadline else now
    # Read now, under the lock (never a list cached before it): the graded items are what a
    # review and the attempt_finished receivers use next.
    prefetch_related_objects([attempt], "items")
    items = list(attempt.items.all())
    for item in items:
        item.is_correct = item.grade()
    AttemptQuestion.objects.bulk_update(items, ["is_correct"])
    correct = sum(1 for item in items if item.is_correct)
    attempt.status = AttemptStatus.EXPIRED if late else AttemptStatus.SUBMITTED
    attempt.submitted_at = finished_at
    attempt.score = correct
    attempt.max_score = len(items)
    attempt.score_percent = _percent(correct, len(items))
    attempt.passed = attempt.score_percent >= attempt.quiz.pass_mark_percent
    attempt.duration_ms = max(0, int((finished_at - attempt.started_at).total_seconds() * 1000))
    attempt.submit_key = key[:64]
    attempt.save(update_fields=[
        "status", "submitted_at", "score", "max_score", "score_percent", "passed", "duration_ms", "submit_key",
    ])
    attempt_finished.send(sender=Attempt, attempt=attempt)
    return attempt


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
            locked = _locked_attempt(attempt.pk)
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


def pool_sizes(*, audience: str, topic_ids: list[int] | None = None) -> dict[int, int]:
    """How many published questions a quiz for this audience can draw, per topic id (the same
    rule as draw_questions): what an organiser sees beside each topic's count."""
    questions = _compatible(Question.objects.published(), audience)
    if topic_ids is not None:
        questions = questions.filter(topic_id__in=topic_ids)
    rows = questions.values("topic_id").annotate(n=Count("pk")).values_list("topic_id", "n")
    return dict(rows)


def draw_shortfalls(*, audience: str, counts: dict[int, int]) -> dict[int, int]:
    """The topics (id → published questions available) whose draw asks for more questions than
    a quiz for this audience can draw: the rule the authoring pages refuse a draw by."""
    sizes = pool_sizes(audience=audience, topic_ids=list(counts))
    return {topic_id: sizes.get(topic_id, 0) for topic_id, wanted in counts.items() if wanted > sizes.get(topic_id, 0)}


def attempts_cut_to_close(*, quiz: Quiz, now: datetime | None = None) -> int:
    """The quiz's close moved earlier: each open attempt whose deadline is past the new close
    gets the close as its deadline, as if it had started under it. Those already past it and
    its grace are closed now with what was saved (attempt_expire_if_overdue); the others close at
    their new deadline like any attempt. Returns how many deadlines were cut."""
    if quiz.closes_at is None:
        return 0
    now = now or timezone.now()
    cut = Attempt.objects.filter(quiz=quiz, status=AttemptStatus.OPEN, deadline__gt=quiz.closes_at).update(
        deadline=quiz.closes_at)
    for attempt in Attempt.objects.filter(quiz=quiz, status=AttemptStatus.OPEN,
                                          deadline__lt=now - _grace()).iterator():
        attempt_expire_if_overdue(attempt, now=now)
    return cut


def review_withheld(attempt: Attempt, *, user: User) -> list[Withheld]:
    """What the review of this finished attempt must hide from its person: the receivers of
    answer_review_withheld (a live contest's pool, for one) say which of its questions, and why.
    Every review the engine shows asks this once the quiz's policy allows a review (can_review)."""
    question_ids = frozenset(item.question_id for item in attempt.items.all() if item.question_id is not None)
    if not question_ids:
        return []
    withheld: list[Withheld] = []
    for _receiver, answer in answer_review_withheld.send(sender=Attempt, attempt=attempt, user=user,
                                                         question_ids=question_ids):
        if isinstance(answer, Withheld):
            withheld.append(answer)
        elif answer:
            withheld.extend(answer)
    return withheld


def withheld_ids(withheld: list[Withheld]) -> frozenset[int]:
    return frozenset().union(*(w.question_ids for w in withheld))
