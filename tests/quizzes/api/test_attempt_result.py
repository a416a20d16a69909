"""GET /api/attempts/<id>/result/: score, pass and time taken of my finished attempt; the review
(correct choices and explanations) only when the quiz's review policy allows it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import ReviewPolicy
from quizzes.services.attempts import attempt_submit
from tests.quizzes.attempt_factories import make_quiz_with_questions, start

pytestmark = pytest.mark.django_db


def url(attempt_id: int) -> str:
    return f"/api/attempts/{attempt_id}/result/"


def test_it_shows_the_result_with_the_review(staff_api, staff_a, quiz):
    attempt = attempt_submit(attempt=start(quiz, staff_a))
    body = staff_api.get(url(attempt.pk)).json()
    assert (body["score"], body["max_score"], body["passed"], body["status"]) == (0, 3, False, "submitted")
    assert len(body["review"]) == 3


def test_review_after_close_waits_for_the_quiz_to_close(staff_api, staff_a):
    closes = timezone.now() + timedelta(hours=1)
    quiz = make_quiz_with_questions(1, review_policy=ReviewPolicy.AFTER_CLOSE, closes_at=closes)
    attempt = attempt_submit(attempt=start(quiz, staff_a))
    assert staff_api.get(url(attempt.pk)).json()["review"] is None
    quiz.closes_at = timezone.now() - timedelta(seconds=1)
    quiz.save(update_fields=["closes_at"])
    assert len(staff_api.get(url(attempt.pk)).json()["review"]) == 1


def test_an_attempt_in_progress_has_no_result_yet(staff_api, staff_a, quiz):
    attempt = start(quiz, staff_a)
    response = staff_api.get(url(attempt.pk))
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Lượt làm bài này vẫn đang diễn ra: hãy nộp bài để xem kết quả.", "code": "attempt_open",
    }


def test_another_persons_result_is_404(outsider_api, staff_a, quiz):
    attempt = attempt_submit(attempt=start(quiz, staff_a))
    assert outsider_api.get(url(attempt.pk)).status_code == 404


def test_anonymous_gets_401(anon, staff_a, quiz):
    attempt = attempt_submit(attempt=start(quiz, staff_a))
    assert anon.get(url(attempt.pk)).status_code == 401


def test_wrong_method_is_405(staff_api, staff_a, quiz):
    attempt = attempt_submit(attempt=start(quiz, staff_a))
    assert staff_api.post(url(attempt.pk)).status_code == 405
