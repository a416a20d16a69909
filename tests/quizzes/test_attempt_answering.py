"""The attempt services, as a specification, part two: saving answers, submitting (graded once),
closing overdue attempts, which attempt counts and when it may be reviewed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import (
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    QuestionType,
    ReviewPolicy,
    ScoringRule,
)
from quizzes.services.attempts import (
    attempt_expire_if_overdue,
    attempt_save_answer,
    attempt_submit,
    attempts_close_overdue,
    can_review,
    counted_attempt,
)
from quizzes.services.errors import AttemptClosed, InvalidAnswer
from quizzes.signals import attempt_finished
from tests.quizzes.attempt_factories import (
    correct_ids,
    make_question,
    make_quiz,
    make_quiz_with_questions,
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
