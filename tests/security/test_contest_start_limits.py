"""A contest round's quiz can also be started through the quiz engine's own page and through the
API. Neither may get around what the contest's start page enforces: the limit on starts from one
address (issue 5: "a flood of starts from one IP (rate limited, with a clear message)"), and the
browser fingerprint the shared-device check compares (an attempt without one is never checked)."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.ratelimit import client_fingerprint
from accounts.roles import Role
from quizzes.models import Attempt
from tests.contests.helpers import make_round
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.9"
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Chrome/140", "HTTP_ACCEPT_LANGUAGE": "vi-VN"}


@pytest.fixture
def round_(rate_limit):
    rate_limit("contest-start-address", 2)
    return make_round()


def _people(village, n):
    return [make_user(role=Role.RESIDENT, unit=village) for _ in range(n)]


def _page_client(person) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS, **BROWSER)
    client.force_login(person, backend="accounts.backends.PhoneOrEmailBackend")
    return client


def _api_client(person) -> APIClient:
    client = APIClient(REMOTE_ADDR=ADDRESS, **BROWSER)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=person).key}")
    return client


def test_it_limits_starts_through_the_quiz_engines_page(village, round_):
    url = reverse("quizzes:attempt_start", args=[round_.quiz.slug])
    responses = [_page_client(person).post(url, follow=True) for person in _people(village, 3)]
    assert "Có quá nhiều lượt thi được bắt đầu từ mạng của bạn" in responses[-1].content.decode()
    assert Attempt.objects.count() == 2


def test_it_limits_starts_through_the_api(village, round_):
    url = reverse("api:attempt_start", args=[round_.quiz.pk])
    responses = [_api_client(person).post(url) for person in _people(village, 3)]
    assert [r.status_code for r in responses] == [201, 201, 429]
    assert responses[-1].json()["code"] == "too_many_starts"
    assert Attempt.objects.count() == 2


def test_a_resumed_attempt_does_not_count_against_the_limit(village, round_):
    person = _people(village, 1)[0]
    client = _api_client(person)
    url = reverse("api:attempt_start", args=[round_.quiz.pk])
    assert [client.post(url).status_code for _ in range(4)] == [201, 200, 200, 200]


def test_every_way_in_records_the_same_address_and_fingerprint(rf, rate_limit, village, round_):
    rate_limit("contest-start-address", 3)
    expected = client_fingerprint(rf.get("/", **BROWSER))
    by_page, by_engine, by_api = _people(village, 3)
    _page_client(by_page).post(reverse("contests:round_start", args=[round_.contest.slug, round_.number]))
    _page_client(by_engine).post(reverse("quizzes:attempt_start", args=[round_.quiz.slug]))
    _api_client(by_api).post(reverse("api:attempt_start", args=[round_.quiz.pk]))
    seen = {a.user_id: (a.client_ip, a.client_fingerprint) for a in Attempt.objects.all()}
    assert seen == {person.pk: (ADDRESS, expected) for person in (by_page, by_engine, by_api)}


def test_one_person_starting_round_after_round_is_limited_on_their_own(village, rate_limit):
    rate_limit("contest-start-person", 2)
    person, neighbour = _people(village, 2)
    rounds = [make_round() for _ in range(3)]
    urls = [reverse("api:attempt_start", args=[r.quiz.pk]) for r in rounds]
    client = _api_client(person)
    # Each start from another address: the person's own limit is what stops the third.
    statuses = [client.post(url, REMOTE_ADDR=f"198.51.100.{n}").status_code for n, url in enumerate(urls, 1)]
    assert statuses == [201, 201, 429]
    refused = client.post(urls[2], REMOTE_ADDR="198.51.100.9")
    assert "Bạn đã bắt đầu quá nhiều lượt thi" in refused.json()["detail"]
    assert _api_client(neighbour).post(urls[2]).status_code == 201


def test_the_address_limit_at_its_windows_edges(village, rate_limit, clock):
    rate_limit("contest-start-address", 2, seconds=600)
    rounds = [make_round() for _ in range(2)]
    people = iter(_people(village, 6))

    def start(round_) -> int:
        return _api_client(next(people)).post(reverse("api:attempt_start", args=[round_.quiz.pk])).status_code

    clock.at(0)
    assert start(rounds[0]) == 201
    clock.at(599.9)
    assert start(rounds[0]) == 201  # the last one the window allows, just before it ends
    assert start(rounds[1]) == 429  # one more in the same window
    clock.at(600)
    assert start(rounds[1]) == 201  # the next window
