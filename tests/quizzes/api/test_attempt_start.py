"""POST /api/quizzes/<id>/attempts/: start an attempt (201) or get back the one in progress (200)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Attempt, Audience
from tests.quizzes.api.conftest import token_client
from tests.quizzes.attempt_factories import make_quiz_with_questions, start

pytestmark = pytest.mark.django_db


def url(quiz_id: int) -> str:
    return f"/api/quizzes/{quiz_id}/attempts/"


def test_it_starts_an_attempt_with_the_questions_and_the_deadline(staff_api, staff_a, quiz):
    response = staff_api.post(url(quiz.pk))
    assert response.status_code == 201
    attempt = Attempt.objects.get(quiz=quiz, user=staff_a)
    body = response.json()
    assert body["id"] == attempt.pk
    assert body["status"] == "open"
    assert body["number"] == 1
    assert 0 < body["seconds_left"] <= quiz.time_limit_seconds
    assert [item["position"] for item in body["items"]] == [1, 2, 3]
    assert body["items"][0]["selected"] == []


def test_the_questions_carry_no_hint_of_the_answers(staff_api, quiz):
    body = staff_api.post(url(quiz.pk)).json()
    for item in body["items"]:
        assert set(item) == {"id", "position", "type", "text", "choices", "selected", "answered_at"}
        for choice in item["choices"]:
            assert set(choice) == {"id", "text"}
    assert "correct" not in str(body).lower()
    assert "Giải thích" not in str(body)


def test_starting_again_returns_the_same_attempt_with_200(staff_api, staff_a, quiz):
    first = staff_api.post(url(quiz.pk))
    second = staff_api.post(url(quiz.pk))
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert Attempt.objects.filter(quiz=quiz, user=staff_a).count() == 1


def test_a_quiz_not_open_yet_is_409_in_vietnamese(staff_api):
    quiz = make_quiz_with_questions(1, opens_at=timezone.now() + timedelta(days=1))
    response = staff_api.post(url(quiz.pk))
    assert response.status_code == 409
    assert response.json() == {"detail": "Bài kiểm tra này hiện không mở.", "code": "quiz_not_open"}
    assert not Attempt.objects.exists()


def test_no_attempts_left_is_409(staff_api, staff_a):
    quiz = make_quiz_with_questions(1, attempts_allowed=1)
    attempt = start(quiz, staff_a)
    staff_api.post(f"/api/attempts/{attempt.pk}/submit/")
    response = staff_api.post(url(quiz.pk))
    assert response.status_code == 409
    assert response.json()["code"] == "no_attempts_left"
    assert Attempt.objects.count() == 1


def test_a_staff_quiz_is_404_for_a_resident(resident):
    quiz = make_quiz_with_questions(1, audience=Audience.STAFF)
    response = token_client(resident).post(url(quiz.pk))
    assert response.status_code == 404
    assert not Attempt.objects.exists()


def test_an_unknown_quiz_is_404(staff_api):
    assert staff_api.post(url(999999)).status_code == 404
    # Beyond 64 bits the id cannot exist: still a 404, not a database overflow.
    assert staff_api.post(url(2**70)).status_code == 404


def test_anonymous_gets_401(anon, quiz):
    assert anon.post(url(quiz.pk)).status_code == 401
    assert not Attempt.objects.exists()


def test_wrong_method_is_405(staff_api, quiz):
    assert staff_api.get(url(quiz.pk)).status_code == 405


def test_a_session_post_needs_its_csrf_token(staff_a, quiz):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_a, backend="accounts.backends.PhoneOrEmailBackend")
    response = client.post(url(quiz.pk))
    assert response.status_code == 403
    assert response.json()["detail"] == "Kiểm tra bảo mật (CSRF) không thành công: hãy tải lại trang rồi thử lại."
    assert not Attempt.objects.exists()
