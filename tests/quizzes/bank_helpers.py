"""make_* helpers for the question bank tests."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from quizzes.models import Attempt, AttemptQuestion, Choice, Question, QuestionStatus, QuestionType, Quiz, Topic

_seq = itertools.count(1)


def make_topic(name: str | None = None, *, slug: str | None = None) -> Topic:
    n = next(_seq)
    return Topic.objects.create(name=name or f"Chủ đề {n}", slug=slug or f"chu-de-{n}")


def make_question(*, topic: Topic | None = None, text: str = "Nghị quyết 76/NQ-CP ban hành năm nào?",
                  type: str = QuestionType.SINGLE, status: str = QuestionStatus.PUBLISHED,
                  source: str = "NQ 76/NQ-CP", choices: list[tuple[str, bool]] | None = None,
                  **fields) -> Question:
    question = Question.objects.create(topic=topic or make_topic(), text=text, type=type, status=status,
                                       source=source, **fields)
    if choices is None:
        choices = [("Năm 2021", True), ("Năm 2019", False), ("Năm 2023", False)]
    for order, (choice_text, correct) in enumerate(choices):
        Choice.objects.create(question=question, text=choice_text, is_correct=correct, order=order)
    return question


def make_attempt_with(question: Question, *, user: User) -> AttemptQuestion:
    """An attempt that showed `question`, built the way attempt_start snapshots it."""
    quiz = Quiz.objects.create(title=f"Bài kiểm tra {next(_seq)}", slug=f"bai-kiem-tra-{next(_seq)}")
    now = timezone.now()
    attempt = Attempt.objects.create(quiz=quiz, user=user, started_at=now, deadline=now + timedelta(minutes=15),
                                     max_score=1)
    return AttemptQuestion.objects.create(
        attempt=attempt, question=question, position=1, type=question.type, text=question.text,
        explanation=question.explanation, topic_id_snapshot=question.topic_id,
        choices=[{"id": c.pk, "text": c.text, "correct": c.is_correct} for c in question.choices.all()],
    )
