"""make_* helpers for contests, and `take` to play one attempt with a chosen score and time."""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import User
from contests.models import Contest, Round
from contests.services import attempt_submit_with_prediction, round_enter
from quizzes.models import Attempt
from quizzes.services.attempts import attempt_save_answer
from tests.quizzes.attempt_factories import make_question, make_quiz, make_topic

_seq = itertools.count(1)

NOW = timezone.now().replace(microsecond=0)


def make_contest(**fields) -> Contest:
    n = next(_seq)
    fields.setdefault("title", f"Cuộc thi tìm hiểu {n}")
    fields.setdefault("slug", f"cuoc-thi-{n}")
    fields.setdefault("is_published", True)
    return Contest.objects.create(**fields)


def make_round(contest: Contest | None = None, *, questions: int = 3, opens_at: datetime | None = None,
               closes_at: datetime | None = None, number: int | None = None, **quiz_fields) -> Round:
    contest = contest or make_contest()
    n = next(_seq)
    topic = make_topic()
    quiz_fields.setdefault("shuffle_questions", False)
    quiz_fields.setdefault("attempts_allowed", 3)
    quiz = make_quiz(questions=[make_question(topic=topic) for _ in range(questions)],
                     slug=f"{contest.slug}-vong-{n}", title=f"Vòng {n}", **quiz_fields)
    return Round.objects.create(
        contest=contest, number=number or contest.rounds.count() + 1, quiz=quiz,
        opens_at=opens_at or NOW - timedelta(days=1), closes_at=closes_at or NOW + timedelta(days=6),
    )


def take(round_: Round, user: User, *, correct: int, seconds: float, started: datetime | None = None,
         prediction: int | None = None) -> Attempt:
    """One attempt at the round with `correct` right answers, submitted `seconds` after `started`."""
    started = started or NOW
    attempt = round_enter(round_=round_, user=user, now=started)
    for position, item in enumerate(attempt.items.order_by("position")):
        right = [c["id"] for c in item.choices if c["correct"]]
        wrong = [c["id"] for c in item.choices if not c["correct"]]
        attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=right if position < correct else wrong[:1],
                            now=started + timedelta(seconds=1))
    submitted = started + timedelta(seconds=seconds)
    return attempt_submit_with_prediction(attempt=attempt, round_=round_,
                                          prediction=0 if prediction is None else prediction, now=submitted)


def rng() -> random.Random:
    return random.Random(3)
