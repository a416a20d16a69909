"""make_* helpers for training tests."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from django.utils import timezone

from accounts.models import Unit, User
from quizzes.models import Audience, Quiz
from quizzes.services.attempts import attempt_save_answer, attempt_submit
from tests.quizzes.attempt_factories import correct_ids, make_quiz_with_questions, start, wrong_ids
from training.models import Assignment, Lesson, Module, ModuleStatus
from training.services import lesson_mark_read

_seq = itertools.count(1)


def make_module(*, lessons: int = 3, status: str = ModuleStatus.PUBLISHED, audience: str = Audience.STAFF,
                quiz: Quiz | None | bool = True, title: str | None = None, **fields) -> Module:
    n = next(_seq)
    if quiz is True:
        quiz = make_quiz_with_questions(2, audience=audience if audience != Audience.BOTH else Audience.BOTH,
                                        attempts_allowed=3, pass_mark_percent=50)
    module = Module.objects.create(
        title=title or f"Học phần số {n}", slug=f"hoc-phan-{n}", status=status, audience=audience,
        quiz=quiz or None, order=n, **fields,
    )
    for order in range(1, lessons + 1):
        make_lesson(module=module, order=order)
    return module


def make_lesson(*, module: Module, order: int, body: str | None = None, **fields) -> Lesson:
    return Lesson.objects.create(
        module=module, order=order, slug=f"bai-{order}", title=fields.pop("title", f"Bài {order}"),
        body=body if body is not None else f"## Nội dung bài {order}\n\nVăn bản của bài {order}.",
        sources=fields.pop("sources", "- Nghị quyết 76/NQ-CP ngày 15/7/2021."), **fields,
    )


def assign(module: Module, unit: Unit, *, due: date | None = None, days: int = 10) -> Assignment:
    return Assignment.objects.create(module=module, unit=unit, due_date=due or timezone.localdate() + timedelta(days))


def take_quiz(module: Module, user: User, *, passing: bool = True):
    attempt = start(module.quiz, user)
    for item in attempt.items.all():
        attempt_save_answer(attempt=attempt, item_id=item.pk,
                            choice_ids=correct_ids(item) if passing else wrong_ids(item)[:1])
    return attempt_submit(attempt=attempt)


def read_all(module: Module, user: User) -> None:
    for lesson in module.lessons.all():
        lesson_mark_read(user=user, lesson=lesson)
