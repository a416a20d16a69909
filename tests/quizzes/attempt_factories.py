"""make_* helpers for quizzes and attempts (the attempt tests' own; the bank's tests have theirs)."""

from __future__ import annotations

import itertools
import random

from accounts.models import User
from quizzes.models import (
    Attempt,
    Audience,
    Choice,
    Question,
    QuestionStatus,
    QuestionType,
    Quiz,
    QuizDrawRule,
    QuizFixedQuestion,
    Topic,
)
from quizzes.services.attempts import attempt_start

_seq = itertools.count(1)


def make_topic(name: str = "Nghị quyết 76/NQ-CP") -> Topic:
    n = next(_seq)
    return Topic.objects.create(slug=f"chu-de-{n}", name=f"{name} {n}")


def make_question(*, topic: Topic | None = None, type: str = QuestionType.SINGLE, text: str | None = None,
                  choices: list[tuple[str, bool]] | None = None, explanation: str = "Giải thích đáp án.",
                  audience: str = Audience.BOTH, status: str = QuestionStatus.PUBLISHED) -> Question:
    topic = topic or make_topic()
    n = next(_seq)
    question = Question.objects.create(
        topic=topic, type=type, text=text or f"Câu hỏi số {n}?", explanation=explanation, audience=audience,
        status=status, source="NQ 76/NQ-CP, Mục II",
    )
    if choices is None:
        if type == QuestionType.TRUE_FALSE:
            choices = [("Đúng", True), ("Sai", False)]
        elif type == QuestionType.MULTIPLE:
            choices = [(f"Đúng {n}a", True), (f"Đúng {n}b", True), (f"Sai {n}c", False), (f"Sai {n}d", False)]
        else:
            choices = [(f"Đáp án đúng {n}", True), (f"Phương án sai {n}b", False), (f"Phương án sai {n}c", False)]
    for order, (choice_text, correct) in enumerate(choices):
        Choice.objects.create(question=question, text=choice_text, is_correct=correct, order=order)
    return question


def make_quiz(*, questions: list[Question] | None = None, draw: list[tuple[Topic, int]] | None = None,
              **fields) -> Quiz:
    n = next(_seq)
    fields.setdefault("title", f"Bài kiểm tra {n}")
    fields.setdefault("slug", f"bai-kiem-tra-{n}")
    quiz = Quiz.objects.create(**fields)
    for order, question in enumerate(questions or []):
        QuizFixedQuestion.objects.create(quiz=quiz, question=question, order=order)
    for topic, count in draw or []:
        QuizDrawRule.objects.create(quiz=quiz, topic=topic, count=count)
    return quiz


def make_quiz_with_questions(count: int = 3, **fields) -> Quiz:
    topic = make_topic()
    return make_quiz(questions=[make_question(topic=topic) for _ in range(count)], **fields)


def start(quiz: Quiz, user: User, **kwargs) -> Attempt:
    kwargs.setdefault("rng", random.Random(7))
    return attempt_start(quiz=quiz, user=user, **kwargs)


def correct_ids(item) -> list[int]:
    return [c["id"] for c in item.choices if c["correct"]]


def wrong_ids(item) -> list[int]:
    return [c["id"] for c in item.choices if not c["correct"]]
