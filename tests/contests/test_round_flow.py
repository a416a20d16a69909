"""A participant's path: start, the engine's attempt pages, the prediction at submit, the result;
and every refusal on the way (each in Vietnamese, nothing changed)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from contests.models import ContestAudience, Prediction, Standing
from quizzes.models import Attempt, AttemptStatus
from tests.contests.helpers import NOW, make_contest, make_round
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    return make_round(make_contest(slug="cchc-2025"), questions=2, attempts_allowed=1)


def _start_url(round_):
    return reverse("contests:round_start", args=[round_.contest.slug, round_.number])


def _answer_all_right(attempt):
    for item in attempt.items.all():
        item.selected = [c["id"] for c in item.choices if c["correct"]]
        item.save()


def test_a_resident_starts_answers_predicts_and_sees_a_provisional_rank(resident_client, resident, round_):
    response = resident_client.post(_start_url(round_))
    attempt = Attempt.objects.get(user=resident)
    assert response.url == reverse("quizzes:attempt_take", args=[attempt.pk])
    _answer_all_right(attempt)
    # The engine's submit page hands a round's attempt to the contest's submit page.
    response = resident_client.get(reverse("quizzes:attempt_submit", args=[attempt.pk]))
    assert response.url == reverse("contests:round_submit", args=[attempt.pk])
    page = resident_client.get(response.url).content.decode()
    assert "Có bao nhiêu người tham gia vòng thi này" in page
    response = resident_client.post(reverse("contests:round_submit", args=[attempt.pk]),
                                    {"prediction": "120", "key": "k1"})
    assert response.url == reverse("contests:round_result", args=[attempt.pk])
    standing = Standing.objects.get(user=resident)
    assert (standing.score, standing.prediction) == (2, 120)
    html = resident_client.get(response.url).content.decode()
    assert "Đúng 2/2 câu" in html
    assert "<dt>Hạng tạm thời</dt><dd>1</dd>" in html


@pytest.mark.parametrize(("value", "why"), [("-5", "negative"), ("mười", "not a number"), ("10000001", "too large"),
                                            ("1.5", "decimal"), ("", "empty")])
def test_a_bad_prediction_is_refused_in_vietnamese_and_nothing_is_submitted(resident_client, resident, round_,
                                                                             value, why):
    resident_client.post(_start_url(round_))
    attempt = Attempt.objects.get(user=resident)
    response = resident_client.post(reverse("contests:round_submit", args=[attempt.pk]), {"prediction": value})
    assert response.status_code == 400
    assert "số nguyên từ 0 đến 10.000.000" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.OPEN
    assert not Prediction.objects.exists()
    assert not Standing.objects.exists()


def test_a_start_outside_the_window_is_refused(resident_client, resident):
    later = make_round(opens_at=NOW + timedelta(days=2), closes_at=NOW + timedelta(days=9))
    response = resident_client.post(_start_url(later), follow=True)
    assert "Vòng thi này hiện không mở." in response.content.decode()
    assert not Attempt.objects.exists()


def test_a_start_after_the_close_is_refused(resident_client):
    ended = make_round(opens_at=NOW - timedelta(days=9), closes_at=NOW - timedelta(days=2))
    response = resident_client.post(_start_url(ended), follow=True)
    assert "Vòng thi đã kết thúc" in response.content.decode()
    assert not Attempt.objects.exists()


def test_a_start_past_the_quota_is_refused(resident_client, resident, round_):
    resident_client.post(_start_url(round_))
    attempt = Attempt.objects.get(user=resident)
    resident_client.post(reverse("contests:round_submit", args=[attempt.pk]), {"prediction": "3"})
    response = resident_client.post(_start_url(round_), follow=True)
    assert "Bạn đã dùng hết số lần làm bài" in response.content.decode()
    assert Attempt.objects.count() == 1


def test_a_contest_for_residents_refuses_staff(staff_a_client):
    residents_only = make_round(make_contest(audience=ContestAudience.RESIDENTS))
    response = staff_a_client.post(_start_url(residents_only), follow=True)
    assert "Cuộc thi này không dành cho đối tượng của bạn." in response.content.decode()
    assert not Attempt.objects.exists()


def test_a_contest_for_staff_refuses_residents(resident_client):
    staff_only = make_round(make_contest(audience=ContestAudience.STAFF))
    response = resident_client.post(_start_url(staff_only), follow=True)
    assert "Cuộc thi này không dành cho đối tượng của bạn." in response.content.decode()
    assert not Attempt.objects.exists()


def test_the_age_floor_refuses_the_young_and_asks_for_a_missing_birth_year(village):
    round_ = make_round(make_contest(min_age=18))
    young = make_user(role=Role.RESIDENT, unit=village, birth_year=NOW.year - 15)
    unknown = make_user(role=Role.RESIDENT, unit=village)
    for user, message in [(young, "chưa đủ độ tuổi tối thiểu"), (unknown, "bổ sung năm sinh")]:
        client = Client()
        client.force_login(user, backend="accounts.backends.PhoneOrEmailBackend")
        assert message in client.post(_start_url(round_), follow=True).content.decode()
    assert not Attempt.objects.exists()


def test_a_flood_of_starts_from_one_address_is_rate_limited(rate_limit, village, round_):
    rate_limit("contest-start-address", 2)
    people = [make_user(role=Role.RESIDENT, unit=village) for _ in range(3)]
    responses = []
    for person in people:
        client = Client(REMOTE_ADDR="203.0.113.9")
        client.force_login(person, backend="accounts.backends.PhoneOrEmailBackend")
        responses.append(client.post(_start_url(round_), follow=True))
    assert "Có quá nhiều lượt thi được bắt đầu từ mạng của bạn" in responses[-1].content.decode()
    assert Attempt.objects.count() == 2


def test_a_submit_after_the_round_closed_is_refused(resident_client, resident, round_):
    resident_client.post(_start_url(round_))
    attempt = Attempt.objects.get(user=resident)
    # Just closed: the attempt in flight is cut to the close and still in its grace period.
    round_.closes_at = timezone.now() - timedelta(seconds=1)
    round_.opens_at = NOW - timedelta(days=2)
    round_.save()
    response = resident_client.post(reverse("contests:round_submit", args=[attempt.pk]), {"prediction": "4"})
    assert "Vòng thi đã kết thúc" in response.content.decode()
    assert not Prediction.objects.exists()
    assert not Standing.objects.exists()


def test_the_start_page_asks_anonymous_people_to_log_in_and_comes_back(client, round_):
    response = client.get(_start_url(round_))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert "next=" in response.url


def test_the_start_page_refuses_other_methods(resident_client, round_):
    assert resident_client.put(_start_url(round_)).status_code == 405


def test_someone_elses_attempt_is_a_404(resident_client, staff_a_client, resident, round_):
    resident_client.post(_start_url(round_))
    attempt = Attempt.objects.get(user=resident)
    for name in ("contests:round_submit", "contests:round_result"):
        assert staff_a_client.get(reverse(name, args=[attempt.pk])).status_code == 404


def test_the_submit_page_refuses_other_methods(resident_client, resident, round_):
    resident_client.post(_start_url(round_))
    attempt = Attempt.objects.get(user=resident)
    assert resident_client.delete(reverse("contests:round_submit", args=[attempt.pk])).status_code == 405


def test_an_attempt_closed_by_the_clock_takes_no_prediction_afterwards(resident_client, resident, round_):
    resident_client.post(_start_url(round_))
    attempt = Attempt.objects.get(user=resident)
    from quizzes.services.attempts import attempt_submit

    attempt_submit(attempt=attempt)  # as the countdown does at zero, without a prediction
    response = resident_client.post(reverse("contests:round_submit", args=[attempt.pk]), {"prediction": "50"})
    assert response.status_code == 409
    assert "số dự đoán được gửi cùng lúc nộp bài" in response.content.decode()
    assert Standing.objects.get(user=resident).prediction is None
    assert not Prediction.objects.exists()
