"""When time runs out on a round's attempt, the engine hands the person to the contest's result
page: score, time, provisional rank, and why the attempt has no prediction (it is given with the
submit only: tests/contests/test_fairness_prediction.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contests.models import Prediction, Standing
from quizzes.models import Attempt, AttemptStatus
from tests.contests.helpers import make_contest, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    return make_round(make_contest(slug="het-gio"), questions=2, attempts_allowed=1)


@pytest.fixture
def attempt(resident_client, resident, round_):
    resident_client.post(reverse("contests:round_start", args=[round_.contest.slug, round_.number]))
    return Attempt.objects.get(user=resident)


def _right(item) -> list[str]:
    return [str(n) for n, c in enumerate(item.choices, start=1) if c["correct"]]


def test_it_sends_a_countdown_timeout_to_the_contest_result_with_rank_and_no_prediction(
        resident_client, attempt):
    first = attempt.items.order_by("position").first()
    response = resident_client.post(reverse("quizzes:attempt_take", args=[attempt.pk]),
                                    {f"a{first.pk}": _right(first), "action": "timeout", "key": "t1"})
    assert response.url == reverse("contests:round_result", args=[attempt.pk])
    html = resident_client.get(response.url).content.decode()
    assert "Đúng 1/2 câu" in html
    assert "<dt>Hạng tạm thời</dt><dd>1</dd>" in html
    assert 'name="prediction"' not in html
    assert "Bài thi này đã đóng mà không có số dự đoán" in html
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert Standing.objects.get(attempt=attempt).prediction is None


def test_it_refuses_the_missing_prediction_afterwards_on_the_result_page(resident_client, attempt):
    resident_client.post(reverse("quizzes:attempt_take", args=[attempt.pk]), {"action": "timeout", "key": "t2"})
    response = resident_client.post(reverse("contests:round_submit", args=[attempt.pk]),
                                    {"prediction": "42", "key": "p1"})
    assert response.status_code == 409
    assert "Đúng 0/2 câu" in response.content.decode()
    assert Standing.objects.get(attempt=attempt).prediction is None
    assert not Prediction.objects.exists()


def test_it_sends_an_attempt_past_its_deadline_to_the_contest_result(resident_client, attempt, settings):
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS + 5))
    response = resident_client.get(reverse("quizzes:attempt_take", args=[attempt.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("contests:round_result", args=[attempt.pk])
    html = response.content.decode()
    assert "Đã hết giờ: lượt làm bài của bạn đã được đóng" in html
    assert "Hạng tạm thời" in html
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED


def test_it_sends_a_late_save_without_javascript_to_the_contest_result(resident_client, attempt, settings):
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS + 5))
    item = attempt.items.first()
    response = resident_client.post(reverse("quizzes:attempt_answer", args=[attempt.pk]),
                                    {"item": item.pk, f"a{item.pk}": _right(item)})
    assert response.url == reverse("contests:round_result", args=[attempt.pk])
    assert not Prediction.objects.exists()


def test_it_links_the_htmx_autosave_error_to_the_contest_result(resident_client, attempt, settings):
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS + 5))
    item = attempt.items.first()
    response = resident_client.post(reverse("quizzes:attempt_answer", args=[attempt.pk]),
                                    {"item": item.pk, f"a{item.pk}": _right(item)}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert reverse("contests:round_result", args=[attempt.pk]) in response.content.decode()


def test_it_keeps_the_engine_result_page_as_the_review_the_contest_result_links_to(resident_client, attempt):
    resident_client.post(reverse("quizzes:attempt_take", args=[attempt.pk]), {"action": "timeout", "key": "t3"})
    contest_page = resident_client.get(reverse("contests:round_result", args=[attempt.pk])).content.decode()
    review_url = reverse("quizzes:attempt_result", args=[attempt.pk])
    assert review_url in contest_page
    response = resident_client.get(review_url)
    assert response.status_code == 200
    assert "Đúng 0/2 câu" in response.content.decode()
