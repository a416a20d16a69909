"""A round's quiz is the round's by the relation (Round.quiz, Round.staff_quiz), whatever its slug:
renaming the quiz in the admin changes nothing of what the contest keeps or enforces, on the
contest's pages, on the engine's quiz pages or through the API."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from contests.models import ContestAudience, Round, Standing
from quizzes.models import Attempt, Audience
from tests.contests.helpers import make_contest, make_round
from tests.factories import make_user
from tests.quizzes.api.conftest import token_client
from tests.quizzes.attempt_factories import make_quiz_with_questions

pytestmark = pytest.mark.django_db


def _rename(quiz, slug: str) -> None:
    quiz.slug = slug
    quiz.save()


def _answer_all_right(attempt: Attempt) -> None:
    for item in attempt.items.all():
        item.selected = [c["id"] for c in item.choices if c["correct"]]
        item.save()


def _take_on_the_contest_pages(client, round_: Round) -> Attempt:
    client.post(reverse("contests:round_start", args=[round_.contest.slug, round_.number]))
    attempt = Attempt.objects.latest("pk")
    _answer_all_right(attempt)
    # The engine's submit page still hands the attempt to the contest's.
    response = client.get(reverse("quizzes:attempt_submit", args=[attempt.pk]))
    assert response.url == reverse("contests:round_submit", args=[attempt.pk])
    response = client.post(response.url, {"prediction": "40", "key": "k1"})
    assert response.url == reverse("contests:round_result", args=[attempt.pk])
    return attempt


def test_a_renamed_round_quiz_still_keeps_standings_on_submit(resident_client, resident):
    round_ = make_round(questions=2)
    _rename(round_.quiz, "cau-hoi-tuan-nay")
    attempt = _take_on_the_contest_pages(resident_client, round_)
    standing = Standing.objects.get(round=round_, user=resident)
    assert (standing.attempt_id, standing.score, standing.prediction) == (attempt.pk, 2, 40)


def test_a_renamed_staff_pool_still_keeps_standings_on_submit(staff_a_client, staff_a):
    round_ = make_round(questions=2)
    round_.staff_quiz = make_quiz_with_questions(2, slug="bo-de-can-bo")
    round_.save()
    _rename(round_.staff_quiz, "bo-de-rieng")
    attempt = _take_on_the_contest_pages(staff_a_client, round_)
    assert attempt.quiz_id == round_.staff_quiz_id
    assert Standing.objects.get(round=round_, user=staff_a).score == 2


@pytest.fixture
def staff_only_round():
    round_ = make_round(make_contest(audience=ContestAudience.STAFF))
    _rename(round_.quiz, "bai-thi-can-bo")
    assert round_.quiz.audience != Audience.STAFF  # the contest refuses residents, not the quiz
    return round_


def test_a_resident_is_refused_at_a_staff_contest_s_quiz_on_the_engine_s_pages(resident_client, staff_only_round):
    slug = staff_only_round.quiz.slug
    assert resident_client.get(reverse("quizzes:quiz_detail", args=[slug])).status_code == 404
    assert resident_client.post(reverse("quizzes:attempt_start", args=[slug])).status_code == 404
    assert not Attempt.objects.exists()


def test_a_resident_is_refused_at_a_staff_contest_s_quiz_through_the_api(resident, staff_only_round):
    api = token_client(resident)
    listed = [quiz["id"] for quiz in api.get("/api/quizzes/").json()["results"]]
    assert staff_only_round.quiz_id not in listed
    assert api.post(reverse("api:attempt_start", args=[staff_only_round.quiz_id])).status_code == 404
    assert not Attempt.objects.exists()


def test_staff_take_their_own_pool_and_residents_the_other(village, staff_a):
    round_ = make_round()
    round_.staff_quiz = make_quiz_with_questions(2, slug="bo-de-can-bo")
    round_.save()
    resident = make_user(role=Role.RESIDENT, unit=village)
    start = "api:attempt_start"
    assert token_client(staff_a).post(reverse(start, args=[round_.quiz_id])).status_code == 404
    assert token_client(resident).post(reverse(start, args=[round_.staff_quiz_id])).status_code == 404
    assert token_client(staff_a).post(reverse(start, args=[round_.staff_quiz_id])).status_code == 201
    assert token_client(resident).post(reverse(start, args=[round_.quiz_id])).status_code == 201
