"""The attempt services, as a specification: starting, answering, submitting, closing, counting
and reviewing attempts."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Audience,
    QuestionStatus,
    QuestionType,
    QuizOverride,
    ReviewPolicy,
    ScoringRule,
)
from quizzes.services.attempts import (
    attempt_expire_if_overdue,
    attempt_save_answer,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
    attempts_left,
    can_review,
    counted_attempt,
)
from quizzes.services.errors import AttemptClosed, InvalidAnswer, NoAttemptsLeft, NotEnoughQuestions, QuizNotOpen
from quizzes.signals import attempt_finished
from tests.factories import make_user
from tests.quizzes.attempt_factories import (
    correct_ids,
    make_question,
    make_quiz,
    make_quiz_with_questions,
    make_topic,
    start,
    wrong_ids,
)

pytestmark = pytest.mark.django_db

GRACE = 60


@pytest.fixture(autouse=True)
def _grace(settings):
    settings.ATTEMPT_GRACE_SECONDS = GRACE


def _answer_all(attempt: Attempt, *, right: int) -> None:
    """Answer the first `right` questions correctly and the others wrongly."""
    for n, item in enumerate(attempt.items.all()):
        chosen = correct_ids(item) if n < right else wrong_ids(item)[:1]
        attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=chosen)


# --- Starting ----------------------------------------------------------------------------------


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


# --- Saving answers --------------------------------------------------------------------------


def test_it_saves_replaces_and_clears_an_answer(staff_a):
    attempt = start(make_quiz_with_questions(1), staff_a)
    item = attempt.items.get()
    attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=wrong_ids(item)[:1])
    attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=correct_ids(item))
    item.refresh_from_db()
    assert item.selected == correct_ids(item)
    assert item.answered_at is not None
    attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=[])
    item.refresh_from_db()
    assert item.selected == []


def _unchanged(attempt: Attempt) -> list:
    return list(AttemptQuestion.objects.filter(attempt=attempt).values_list("pk", "selected", "answered_at"))


def test_it_rejects_an_item_of_another_attempt(staff_a, staff_b):
    quiz = make_quiz_with_questions(1)
    mine, theirs = start(quiz, staff_a), start(quiz, staff_b)
    before = _unchanged(mine), _unchanged(theirs)
    foreign = theirs.items.get()
    with pytest.raises(InvalidAnswer) as exc:
        attempt_save_answer(attempt=mine, item_id=foreign.pk, choice_ids=correct_ids(foreign))
    assert exc.value.message == "Câu trả lời này không thuộc câu hỏi này."
    assert (_unchanged(mine), _unchanged(theirs)) == before


def test_it_rejects_a_choice_of_another_question(staff_a):
    attempt = start(make_quiz_with_questions(2), staff_a)
    first, second = attempt.items.all()
    before = _unchanged(attempt)
    with pytest.raises(InvalidAnswer):
        attempt_save_answer(attempt=attempt, item_id=first.pk, choice_ids=correct_ids(second))
    assert _unchanged(attempt) == before


@pytest.mark.parametrize("garbage", [["abc"], [None], ["1; DROP TABLE"]])
def test_it_rejects_choice_ids_that_are_not_numbers(staff_a, garbage):
    attempt = start(make_quiz_with_questions(1), staff_a)
    before = _unchanged(attempt)
    with pytest.raises(InvalidAnswer):
        attempt_save_answer(attempt=attempt, item_id=attempt.items.get().pk, choice_ids=garbage)
    assert _unchanged(attempt) == before


def test_it_rejects_two_answers_to_a_single_choice_question(staff_a):
    attempt = start(make_quiz_with_questions(1), staff_a)
    item = attempt.items.get()
    before = _unchanged(attempt)
    with pytest.raises(InvalidAnswer) as exc:
        attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=[c["id"] for c in item.choices][:2])
    assert exc.value.message == "Câu hỏi này chỉ có đúng một đáp án."
    assert _unchanged(attempt) == before


def test_it_accepts_several_answers_to_a_multiple_choice_question(staff_a):
    quiz = make_quiz(questions=[make_question(type=QuestionType.MULTIPLE)])
    attempt = start(quiz, staff_a)
    item = attempt.items.get()
    attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=correct_ids(item))
    assert attempt_submit(attempt=attempt).score == 1


def test_it_rejects_answers_after_submit(staff_a):
    attempt = start(make_quiz_with_questions(1), staff_a)
    attempt_submit(attempt=attempt)
    before = _unchanged(attempt)
    with pytest.raises(AttemptClosed) as exc:
        attempt_save_answer(attempt=attempt, item_id=attempt.items.get().pk, choice_ids=[])
    assert exc.value.message == "Lượt làm bài này đã đóng: đã hết giờ hoặc bài đã được nộp."
    assert _unchanged(attempt) == before


def test_it_accepts_answers_in_flight_during_the_grace_period(staff_a):
    now = timezone.now()
    attempt = start(make_quiz_with_questions(1, time_limit_seconds=60), staff_a, now=now)
    item = attempt.items.get()
    attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=correct_ids(item),
                        now=now + timedelta(seconds=60 + GRACE - 1))
    item.refresh_from_db()
    assert item.selected == correct_ids(item)


def test_it_rejects_an_answer_after_the_grace_period_and_closes_the_attempt(staff_a):
    now = timezone.now()
    attempt = start(make_quiz_with_questions(2, time_limit_seconds=60), staff_a, now=now)
    first, second = attempt.items.all()
    attempt_save_answer(attempt=attempt, item_id=first.pk, choice_ids=correct_ids(first), now=now)
    with pytest.raises(AttemptClosed):
        attempt_save_answer(attempt=attempt, item_id=second.pk, choice_ids=correct_ids(second),
                            now=now + timedelta(seconds=60 + GRACE + 1))
    attempt.refresh_from_db()
    second.refresh_from_db()
    assert second.selected == []
    assert attempt.status == AttemptStatus.EXPIRED
    assert attempt.score == 1
    assert attempt.submitted_at == attempt.deadline


# --- Submitting ------------------------------------------------------------------------------


def test_submit_grades_on_the_server_and_is_idempotent(staff_a):
    quiz = make_quiz_with_questions(4, pass_mark_percent=50)
    attempt = start(quiz, staff_a)
    _answer_all(attempt, right=3)
    sent = []
    attempt_finished.connect(lambda sender, attempt, **kw: sent.append(attempt.pk), weak=False,
                             dispatch_uid="test-idempotent")
    try:
        first = attempt_submit(attempt=attempt, key="k-1")
        second = attempt_submit(attempt=attempt, key="k-1")
        third = attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), key="k-2")
    finally:
        attempt_finished.disconnect(dispatch_uid="test-idempotent")
    assert sent == [attempt.pk]
    assert (first.score, second.score, third.score) == (3, 3, 3)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.score_percent == 75
    assert attempt.passed is True
    assert attempt.submit_key == "k-1"
    assert list(attempt.items.values_list("is_correct", flat=True)) == [True, True, True, False]


def test_an_expired_attempt_is_graded_with_what_was_saved(staff_a):
    now = timezone.now()
    attempt = start(make_quiz_with_questions(3, time_limit_seconds=120), staff_a, now=now)
    first = attempt.items.first()
    attempt_save_answer(attempt=attempt, item_id=first.pk, choice_ids=correct_ids(first), now=now)
    closed = attempt_expire_if_overdue(attempt, now=now + timedelta(seconds=120 + GRACE + 5))
    assert closed.status == AttemptStatus.EXPIRED
    assert closed.score == 1
    assert closed.duration_ms == 120_000
    # Not overdue: untouched.
    other = start(make_quiz_with_questions(1), staff_a)
    assert attempt_expire_if_overdue(other).status == AttemptStatus.OPEN


def test_closing_overdue_attempts_closes_only_those_past_the_grace(staff_a, staff_b):
    now = timezone.now()
    quiz = make_quiz_with_questions(1, time_limit_seconds=60)
    late = start(quiz, staff_a, now=now - timedelta(seconds=60 + GRACE + 10))
    in_grace = start(quiz, staff_b, now=now - timedelta(seconds=60 + GRACE - 10))
    assert attempts_close_overdue(now=now) == 1
    late.refresh_from_db()
    in_grace.refresh_from_db()
    assert (late.status, in_grace.status) == (AttemptStatus.EXPIRED, AttemptStatus.OPEN)
    assert attempts_close_overdue(now=now) == 0


# --- Which attempt counts, and review ----------------------------------------------------------


@pytest.mark.parametrize(("rule", "expected_number"), [
    (ScoringRule.HIGHEST, 2), (ScoringRule.FIRST, 1), (ScoringRule.LAST, 3),
])
def test_counted_attempt_follows_the_scoring_rule(staff_a, rule, expected_number):
    quiz = make_quiz_with_questions(3, attempts_allowed=None, scoring_rule=rule)
    for right in (1, 3, 2):
        attempt = start(quiz, staff_a)
        _answer_all(attempt, right=right)
        attempt_submit(attempt=attempt)
    start(quiz, staff_a)  # an open attempt never counts
    assert counted_attempt(quiz=quiz, user=staff_a).number == expected_number


def test_no_attempt_counts_before_one_is_finished(staff_a):
    quiz = make_quiz_with_questions(1)
    start(quiz, staff_a)
    assert counted_attempt(quiz=quiz, user=staff_a) is None


def test_can_review_follows_the_review_policy(staff_a):
    now = timezone.now()
    immediate = start(make_quiz_with_questions(1, review_policy=ReviewPolicy.IMMEDIATELY), staff_a)
    assert can_review(immediate) is False  # never while open
    assert can_review(attempt_submit(attempt=immediate)) is True

    after_close_quiz = make_quiz_with_questions(1, review_policy=ReviewPolicy.AFTER_CLOSE,
                                                closes_at=now + timedelta(hours=1))
    after_close = attempt_submit(attempt=start(after_close_quiz, staff_a))
    assert can_review(after_close, now=now) is False
    assert can_review(after_close, now=now + timedelta(hours=1)) is True

    never = attempt_submit(attempt=start(make_quiz_with_questions(1, review_policy=ReviewPolicy.NEVER), staff_a))
    assert can_review(never, now=now + timedelta(days=365)) is False
