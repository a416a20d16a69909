"""What the attempt pages' tests share: the htmx header, the grace period, and how an answer is
posted (as the position of a choice, never its id)."""

from __future__ import annotations

from quizzes.models import Attempt, AttemptQuestion
from tests.quizzes.attempt_factories import correct_ids

HTMX = {"HTTP_HX_REQUEST": "true"}
GRACE = 60


def position_of(item: AttemptQuestion, choice_id: int) -> str:
    return str([c["id"] for c in item.choices].index(choice_id) + 1)


def right(item: AttemptQuestion) -> str:
    return position_of(item, correct_ids(item)[0])


def snapshot(attempt: Attempt) -> list:
    attempt.refresh_from_db()
    return [attempt.status, *AttemptQuestion.objects.filter(attempt=attempt).values_list("selected", "answered_at")]
