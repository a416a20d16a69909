"""GET /api/quizzes/: the quizzes open now that I may take, with my attempts left and my attempt
in progress."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Audience, QuizOverride
from tests.quizzes.api.conftest import token_client
from tests.quizzes.attempt_factories import make_quiz_with_questions, start

pytestmark = pytest.mark.django_db
URL = "/api/quizzes/"


def _titles(response) -> list[str]:
    return [quiz["title"] for quiz in response.json()["results"]]


def test_it_lists_open_quizzes_with_my_attempts_left(staff_api, staff_a, quiz):
    attempt = start(quiz, staff_a)
    response = staff_api.get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == 1
    (row,) = response.json()["results"]
    assert row == {
        "id": quiz.pk, "title": quiz.title, "slug": quiz.slug, "time_limit_seconds": quiz.time_limit_seconds,
        "pass_mark_percent": 60, "attempts_allowed": 2, "attempts_left": 1, "open_attempt": attempt.pk,
        "opens_at": None, "closes_at": None,
    }


def test_it_counts_my_extra_attempts_and_not_other_peoples(staff_api, staff_a, staff_b, quiz):
    QuizOverride.objects.create(quiz=quiz, user=staff_a, extra_attempts=3)
    start(quiz, staff_b)
    (row,) = staff_api.get(URL).json()["results"]
    assert row["attempts_left"] == 5
    assert row["open_attempt"] is None


def test_unlimited_attempts_are_null(staff_api):
    make_quiz_with_questions(1, attempts_allowed=None)
    (row,) = staff_api.get(URL).json()["results"]
    assert row["attempts_allowed"] is None
    assert row["attempts_left"] is None


def test_it_leaves_out_closed_and_future_quizzes(staff_api):
    now = timezone.now()
    make_quiz_with_questions(1, title="Đã đóng", closes_at=now - timedelta(hours=1))
    make_quiz_with_questions(1, title="Chưa mở", opens_at=now + timedelta(hours=1))
    make_quiz_with_questions(1, title="Đang mở", closes_at=now + timedelta(days=1))
    assert _titles(staff_api.get(URL)) == ["Đang mở"]


def test_a_resident_does_not_see_staff_quizzes(resident):
    make_quiz_with_questions(1, title="Cho công chức", audience=Audience.STAFF)
    make_quiz_with_questions(1, title="Cho người dân", audience=Audience.PUBLIC)
    assert _titles(token_client(resident).get(URL)) == ["Cho người dân"]


def test_staff_see_staff_and_public_quizzes(staff_api):
    make_quiz_with_questions(1, title="Cho công chức", audience=Audience.STAFF)
    make_quiz_with_questions(1, title="Cho người dân", audience=Audience.PUBLIC)
    assert sorted(_titles(staff_api.get(URL))) == ["Cho công chức", "Cho người dân"]


@pytest.mark.parametrize(("quizzes", "queries"), [(3, 13), (6, 19)])
def test_the_query_count_is_pinned(staff_api, staff_a, django_assert_num_queries, quizzes, queries):
    for n in range(quizzes):
        quiz = make_quiz_with_questions(1, audience=Audience.STAFF if n % 2 else Audience.BOTH)
        if n % 2:
            start(quiz, staff_a)
    # Seven of our own whatever the number of quizzes: token and user, groups (once), open quizzes,
    # permissions (user, groups), count, and the page with its per-person annotations. The rest
    # is the quiz gates of training and contests (receivers of quizzes.signals.quiz_access), which
    # look up each quiz's module and round: two per quiz.
    with django_assert_num_queries(queries):
        response = staff_api.get(URL)
    assert response.json()["count"] == quizzes


def test_a_session_login_works_too(staff_a_client, quiz):
    response = staff_a_client.get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_anonymous_gets_401_in_vietnamese(anon):
    response = anon.get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Bạn chưa đăng nhập.", "code": "not_authenticated"}


def test_a_bad_token_gets_401(anon):
    anon.credentials(HTTP_AUTHORIZATION="Token khong-hop-le")
    response = anon.get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_wrong_method_is_405(staff_api):
    response = staff_api.post(URL, {}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_a_page_beyond_the_end_is_404(staff_api, quiz):
    response = staff_api.get(URL, {"page": 9})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("page", ["", "0", "một", "-1"])
def test_a_malformed_page_number_is_400(staff_api, quiz, page):
    response = staff_api.get(URL, {"page": page})
    assert response.status_code == 400
    assert response.json()["errors"]["page"]
