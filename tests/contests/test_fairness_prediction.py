"""The prediction is final (issue 12, "Fairness rules"): it is given with the submit, on the page
or through the API, and no prediction can be added or changed once the attempt is submitted or
closed by its timer, so nobody can submit, watch the public participant count, then guess. An
attempt closed without one ranks after those with one at the same score."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.roles import Role
from contests.closing import round_close
from contests.errors import PredictionTooLate
from contests.models import Prediction, Standing
from contests.services import attempt_submit_with_prediction, round_enter
from quizzes.models import Attempt, AttemptStatus
from quizzes.services.attempts import attempt_save_answer, attempt_submit
from tests.contests.helpers import NOW, make_contest, make_round, take
from tests.factories import make_user
from tests.quizzes.api.conftest import token_client
from tests.quizzes.attempt_factories import correct_ids, make_quiz_with_questions, start

pytestmark = pytest.mark.django_db

TOO_LATE = "Bài thi này đã được nộp: số dự đoán được gửi cùng lúc nộp bài và không thể bổ sung hay thay đổi sau đó."


@pytest.fixture
def round_():
    return make_round(make_contest(slug="du-doan"), questions=2, attempts_allowed=2)


def _started(client, round_) -> Attempt:
    client.post(reverse("contests:round_start", args=[round_.contest.slug, round_.number]))
    return Attempt.objects.latest("pk")


def _submit_url(attempt) -> str:
    return reverse("contests:round_submit", args=[attempt.pk])


# --- On the page -----------------------------------------------------------------------------


def test_a_prediction_posted_after_the_submit_is_refused_and_the_first_stays(resident_client, resident, round_):
    attempt = _started(resident_client, round_)
    resident_client.post(_submit_url(attempt), {"prediction": "120", "key": "k1"})
    response = resident_client.post(_submit_url(attempt), {"prediction": "77", "key": "k2"})
    assert response.status_code == 409
    assert TOO_LATE in response.content.decode()
    assert Prediction.objects.get(attempt=attempt).value == 120
    assert Standing.objects.get(user=resident).prediction == 120


def test_the_same_form_posted_twice_is_the_same_submit(resident_client, resident, round_):
    attempt = _started(resident_client, round_)
    resident_client.post(_submit_url(attempt), {"prediction": "120", "key": "k1"})
    response = resident_client.post(_submit_url(attempt), {"prediction": "120", "key": "k1"})
    assert response.status_code == 302
    assert response.url == reverse("contests:round_result", args=[attempt.pk])


def test_an_attempt_closed_by_its_timer_takes_no_prediction_afterwards(resident_client, resident, round_):
    attempt = _started(resident_client, round_)
    # The countdown at zero submits what was saved, without a prediction.
    resident_client.post(reverse("quizzes:attempt_take", args=[attempt.pk]), {"action": "timeout", "key": "t1"})
    result = resident_client.get(reverse("contests:round_result", args=[attempt.pk])).content.decode()
    assert 'name="prediction"' not in result
    assert "Bài thi này đã đóng mà không có số dự đoán" in result
    for value in ("50", "mười"):  # refused as late, whatever it says
        response = resident_client.post(_submit_url(attempt), {"prediction": value, "key": "p1"})
        assert response.status_code == 409
        assert TOO_LATE in response.content.decode()
    assert not Prediction.objects.exists()
    assert Standing.objects.get(user=resident).prediction is None


def test_the_submit_page_of_a_closed_attempt_sends_to_the_result(resident_client, resident, round_):
    attempt = _started(resident_client, round_)
    attempt_submit(attempt=attempt)
    response = resident_client.get(_submit_url(attempt))
    assert response.url == reverse("contests:round_result", args=[attempt.pk])


def test_a_guess_racing_a_submit_from_elsewhere_is_not_kept(resident, round_):
    attempt = round_enter(round_=round_, user=resident)
    stale = Attempt.objects.get(pk=attempt.pk)  # as the page read it, open
    attempt_submit(attempt=attempt, key="other-tab")  # another tab, or the timer, closes it first
    with pytest.raises(PredictionTooLate):
        attempt_submit_with_prediction(attempt=stale, round_=round_, prediction=9, key="this-tab")
    assert not Prediction.objects.exists()
    assert Standing.objects.get(user=resident).prediction is None


# --- Through the API -------------------------------------------------------------------------


def _api_url(attempt) -> str:
    return reverse("contests_api:round_submit", args=[attempt.pk])


def test_the_api_submits_with_the_prediction(resident, round_):
    attempt = round_enter(round_=round_, user=resident)
    response = token_client(resident).post(_api_url(attempt), {"prediction": 35, "idempotency_key": "a1"},
                                           format="json")
    assert response.status_code == 200
    assert response.json()["status"] == AttemptStatus.SUBMITTED
    assert Standing.objects.get(user=resident).prediction == 35


def test_the_api_refuses_a_prediction_after_the_engine_s_submit(resident, round_):
    """The hole of the issue: submit through the API, watch the participant count, then guess."""
    api = token_client(resident)
    attempt = round_enter(round_=round_, user=resident)
    assert api.post(reverse("api:attempt_submit", args=[attempt.pk]), {}, format="json").status_code == 200
    response = api.post(_api_url(attempt), {"prediction": 3}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": TOO_LATE, "code": "prediction_too_late"}
    assert not Prediction.objects.exists()


def test_the_api_refuses_a_changed_prediction(resident, round_):
    api = token_client(resident)
    attempt = round_enter(round_=round_, user=resident)
    api.post(_api_url(attempt), {"prediction": 35, "idempotency_key": "a1"}, format="json")
    again = api.post(_api_url(attempt), {"prediction": 35, "idempotency_key": "a1"}, format="json")
    assert again.status_code == 200  # a retry of the same submit
    changed = api.post(_api_url(attempt), {"prediction": 36, "idempotency_key": "a2"}, format="json")
    assert changed.status_code == 409
    assert Prediction.objects.get(attempt=attempt).value == 35


@pytest.mark.parametrize("body", [{}, {"prediction": -1}, {"prediction": 10_000_001}, {"prediction": "mười"}])
def test_the_api_refuses_a_bad_prediction_in_vietnamese_and_submits_nothing(resident, round_, body):
    attempt = round_enter(round_=round_, user=resident)
    response = token_client(resident).post(_api_url(attempt), body, format="json")
    assert response.status_code == 400
    assert "số nguyên từ 0 đến 10.000.000" in response.json()["detail"]
    attempt.refresh_from_db()
    assert attempt.is_open


def test_the_api_answers_404_for_another_s_attempt_or_a_quiz_that_is_no_round(resident, staff_a, round_):
    attempt = round_enter(round_=round_, user=resident)
    assert token_client(staff_a).post(_api_url(attempt), {"prediction": 1}, format="json").status_code == 404
    plain = start(make_quiz_with_questions(2), resident)
    assert token_client(resident).post(_api_url(plain), {"prediction": 1}, format="json").status_code == 404


def test_the_api_asks_anonymous_people_to_log_in(client, resident, round_):
    attempt = round_enter(round_=round_, user=resident)
    assert client.post(_api_url(attempt), {"prediction": 1}, content_type="application/json").status_code == 401


# --- Ranking -----------------------------------------------------------------------------------


def test_an_attempt_closed_by_its_timer_without_a_prediction_ranks_last_among_equals(village):
    round_ = make_round(questions=2, opens_at=NOW - timedelta(days=3), closes_at=NOW - timedelta(days=1))
    started = NOW - timedelta(days=2)
    guessed_far = make_user(role=Role.RESIDENT, unit=village)
    guessed_near = make_user(role=Role.RESIDENT, unit=village)
    timed_out = make_user(role=Role.RESIDENT, unit=village)
    better = make_user(role=Role.RESIDENT, unit=village)
    take(round_, guessed_far, correct=1, seconds=50, started=started, prediction=900)
    take(round_, guessed_near, correct=1, seconds=60, started=started, prediction=4)
    # Fastest of the three with one right answer, but the countdown closed it before any guess.
    attempt = round_enter(round_=round_, user=timed_out, now=started)
    item = attempt.items.order_by("position").first()
    attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=correct_ids(item), now=started)
    attempt_submit(attempt=attempt, now=started + timedelta(seconds=10))
    # More right answers rank first, guess or not.
    attempt = round_enter(round_=round_, user=better, now=started)
    for item in attempt.items.all():
        attempt_save_answer(attempt=attempt, item_id=item.pk, choice_ids=correct_ids(item), now=started)
    attempt_submit(attempt=attempt, now=started + timedelta(seconds=90))
    round_close(round_=round_)
    ranks = dict(Standing.objects.filter(round=round_).values_list("user_id", "final_rank"))
    assert [ranks[p.pk] for p in (better, guessed_near, guessed_far, timed_out)] == [1, 2, 3, 4]
