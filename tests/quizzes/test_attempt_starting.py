"""The attempt services, as a specification, part one: starting an attempt (one open attempt per
person, quotas, deadlines, the questions drawn and frozen)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from quizzes.models import (
    Attempt,
    AttemptStatus,
    Audience,
    QuestionStatus,
    QuestionType,
    QuizOverride,
)
from quizzes.services.attempts import (
    attempt_start,
    attempt_submit,
    attempts_left,
)
from quizzes.services.errors import NoAttemptsLeft, NotEnoughQuestions, QuizNotOpen
from quizzes.signals import attempt_finished
from tests.factories import make_user
from tests.quizzes.attempt_factories import (
    make_question,
    make_quiz,
    make_quiz_with_questions,
    make_topic,
    start,
)

pytestmark = pytest.mark.django_db

GRACE = 60


@pytest.fixture(autouse=True)
def _grace(settings):
    settings.ATTEMPT_GRACE_SECONDS = GRACE


def test_it_returns_the_same_open_attempt_when_started_twice(staff_a):
    quiz = make_quiz_with_questions(3)
    first = start(quiz, staff_a)
    second = start(quiz, staff_a)
    assert first.pk == second.pk
    assert Attempt.objects.filter(quiz=quiz, user=staff_a).count() == 1
    assert first.items.count() == 3


def test_it_refuses_to_start_a_quiz_that_is_not_open(staff_a):
    quiz = make_quiz_with_questions(2, opens_at=timezone.now() + timedelta(days=1))
    with pytest.raises(QuizNotOpen) as exc:
        start(quiz, staff_a)
    assert exc.value.message == "Bài kiểm tra này hiện không mở."
    assert not Attempt.objects.exists()


def test_it_refuses_a_new_attempt_when_the_quota_is_used(staff_a):
    quiz = make_quiz_with_questions(2, attempts_allowed=1)
    attempt_submit(attempt=start(quiz, staff_a))
    with pytest.raises(NoAttemptsLeft) as exc:
        start(quiz, staff_a)
    assert exc.value.message == "Bạn đã dùng hết số lần làm bài được phép của bài kiểm tra này."
    assert Attempt.objects.filter(quiz=quiz).count() == 1
    assert attempts_left(quiz=quiz, user=staff_a) == 0


def test_it_counts_extra_attempts_from_a_personal_override(staff_a, staff_b):
    quiz = make_quiz_with_questions(2, attempts_allowed=1)
    QuizOverride.objects.create(quiz=quiz, user=staff_a, extra_attempts=1)
    assert attempts_left(quiz=quiz, user=staff_a) == 2
    attempt_submit(attempt=start(quiz, staff_a))
    second = start(quiz, staff_a)
    assert second.number == 2
    attempt_submit(attempt=second)
    with pytest.raises(NoAttemptsLeft):
        start(quiz, staff_a)
    # The override is personal.
    assert attempts_left(quiz=quiz, user=staff_b) == 1


def test_it_allows_unlimited_attempts_when_the_quota_is_empty(staff_a):
    quiz = make_quiz_with_questions(1, attempts_allowed=None)
    for _ in range(3):
        attempt_submit(attempt=start(quiz, staff_a))
    assert attempts_left(quiz=quiz, user=staff_a) is None
    assert quiz.attempts.count() == 3


def test_it_sets_the_deadline_from_the_time_limit_plus_extra_time(staff_a, staff_b):
    quiz = make_quiz_with_questions(1, time_limit_seconds=600)
    QuizOverride.objects.create(quiz=quiz, user=staff_a, extra_seconds=300)
    now = timezone.now()
    assert start(quiz, staff_a, now=now).deadline == now + timedelta(seconds=900)
    assert start(quiz, staff_b, now=now).deadline == now + timedelta(seconds=600)


def test_it_caps_the_deadline_at_the_closing_time(staff_a):
    now = timezone.now()
    quiz = make_quiz_with_questions(1, time_limit_seconds=3600, closes_at=now + timedelta(minutes=10))
    assert start(quiz, staff_a, now=now).deadline == quiz.closes_at


def test_it_draws_n_published_questions_per_topic_for_the_audience(resident):
    law, services = make_topic(), make_topic()
    for_everyone = [make_question(topic=law) for _ in range(3)]
    make_question(topic=law, status=QuestionStatus.DRAFT)
    make_question(topic=law, audience=Audience.STAFF)
    public = [make_question(topic=services, audience=Audience.PUBLIC) for _ in range(2)]
    make_question(topic=services, audience=Audience.STAFF)
    quiz = make_quiz(draw=[(law, 2), (services, 2)], audience=Audience.PUBLIC)
    for seed in range(10):
        attempt = attempt_start(quiz=quiz, user=make_user(role=Role.RESIDENT), rng=random.Random(seed))
        drawn = {item.question_id for item in attempt.items.all()}
        assert len(drawn) == 4
        assert len(drawn & {q.pk for q in for_everyone}) == 2
        assert drawn >= {q.pk for q in public}


def test_it_draws_only_questions_for_everyone_when_the_quiz_is_for_everyone(staff_a):
    # A quiz for everyone is taken by residents too: a staff-only question must never be drawn.
    topic = make_topic()
    shared = make_question(topic=topic)
    make_question(topic=topic, audience=Audience.STAFF)
    make_question(topic=topic, audience=Audience.PUBLIC)
    quiz = make_quiz(draw=[(topic, 1)], audience=Audience.BOTH)
    for seed in range(8):
        attempt = attempt_start(quiz=quiz, user=make_user(), rng=random.Random(seed))
        assert [item.question_id for item in attempt.items.all()] == [shared.pk]


def test_it_refuses_to_start_when_the_bank_has_too_few_questions(staff_a):
    topic = make_topic()
    make_question(topic=topic)
    make_question(topic=topic, status=QuestionStatus.DRAFT)
    quiz = make_quiz(draw=[(topic, 2)])
    with pytest.raises(NotEnoughQuestions) as exc:
        start(quiz, staff_a)
    assert exc.value.message == "Ngân hàng câu hỏi không đủ câu hỏi đã công bố cho bài kiểm tra này."
    assert not Attempt.objects.exists()


def test_it_uses_the_fixed_list_in_its_order_when_not_shuffled(staff_a):
    topic = make_topic()
    questions = [make_question(topic=topic) for _ in range(4)]
    quiz = make_quiz(questions=questions, shuffle_questions=False, shuffle_choices=False)
    attempt = start(quiz, staff_a)
    assert [item.question_id for item in attempt.items.all()] == [q.pk for q in questions]
    first = attempt.items.first()
    assert [c["text"] for c in first.public_choices()] == [c.text for c in questions[0].choices.all()]


def test_shuffling_keeps_the_snapshot_when_the_bank_changes(staff_a):
    topic = make_topic()
    questions = [make_question(topic=topic, text=f"Câu gốc {n}") for n in range(5)]
    quiz = make_quiz(questions=questions, shuffle_questions=True, shuffle_choices=True)
    attempt = start(quiz, staff_a)
    shown = [(item.question_id, item.text, [c["id"] for c in item.choices]) for item in attempt.items.all()]
    for question in questions:
        question.text = "Đã sửa sau khi làm bài"
        question.save()
        question.choices.update(text="Đã sửa")
    again = [(item.question_id, item.text, [c["id"] for c in item.choices]) for item in attempt.items.all()]
    assert again == shown
    assert all(text.startswith("Câu gốc") for _pk, text, _ids in again)
    assert all(c["text"] != "Đã sửa" for item in attempt.items.all() for c in item.choices)
    # Every question appears exactly once, with all its choices.
    assert sorted(pk for pk, _text, _ids in shown) == sorted(q.pk for q in questions)
    for pk, _text, ids in shown:
        assert sorted(ids) == sorted(c.pk for c in questions[0].__class__.objects.get(pk=pk).choices.all())


def test_true_false_keeps_its_natural_order_when_choices_are_shuffled(staff_a):
    question = make_question(type=QuestionType.TRUE_FALSE)
    quiz = make_quiz(questions=[question], shuffle_choices=True)
    for _ in range(5):
        attempt = attempt_start(quiz=quiz, user=make_user(), rng=random.Random())
        assert [c["text"] for c in attempt.items.get().choices] == ["Đúng", "Sai"]


def test_starting_after_an_overdue_attempt_closes_it_even_when_the_start_is_refused(staff_a):
    now = timezone.now()
    quiz = make_quiz_with_questions(2, time_limit_seconds=60, attempts_allowed=1)
    old = start(quiz, staff_a, now=now)
    finished = []
    attempt_finished.connect(lambda sender, attempt, **kw: finished.append(attempt.pk), weak=False,
                             dispatch_uid="test-overdue-start")
    try:
        with pytest.raises(NoAttemptsLeft):
            start(quiz, staff_a, now=now + timedelta(seconds=60 + GRACE + 1))
    finally:
        attempt_finished.disconnect(dispatch_uid="test-overdue-start")
    old.refresh_from_db()
    assert old.status == AttemptStatus.EXPIRED
    assert finished == [old.pk]
