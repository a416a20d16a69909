"""GET /api/attempts/<id>/: my attempt as it stands (questions, saved answers, time left)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import AttemptStatus
from quizzes.services.attempts import attempt_save_answer
from tests.quizzes.attempt_factories import correct_ids, start

pytestmark = pytest.mark.django_db


def url(attempt_id: int) -> str:
    return f"/api/attempts/{attempt_id}/"


def test_it_shows_my_saved_answers_and_time_left(staff_api, staff_a, quiz):
    attempt = start(quiz, staff_a)
    item = attempt.items.first()
    attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=correct_ids(item))
    body = staff_api.get(url(attempt.pk)).json()
    assert body["id"] == attempt.pk
    assert body["quiz_title"] == quiz.title
    assert body["items"][0]["selected"] == correct_ids(item)
    assert body["items"][0]["answered_at"] is not None
    assert body["items"][1]["selected"] == []
    assert 0 < body["seconds_left"] <= quiz.time_limit_seconds


def test_an_attempt_past_its_deadline_and_grace_is_closed_on_access(staff_api, staff_a, quiz, settings):
    settings.ATTEMPT_GRACE_SECONDS = 60
    attempt = start(quiz, staff_a, now=timezone.now() - timedelta(seconds=quiz.time_limit_seconds + 61))
    body = staff_api.get(url(attempt.pk)).json()
    assert body["status"] == "expired"
    assert body["seconds_left"] == 0
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED


def test_another_persons_attempt_is_404(outsider_api, staff_a, quiz):
    attempt = start(quiz, staff_a)
    response = outsider_api.get(url(attempt.pk))
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy.", "code": "not_found"}


def test_anonymous_gets_401(anon, staff_a, quiz):
    assert anon.get(url(start(quiz, staff_a).pk)).status_code == 401


def test_wrong_method_is_405(staff_api, staff_a, quiz):
    assert staff_api.delete(url(start(quiz, staff_a).pk)).status_code == 405
