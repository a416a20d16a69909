"""Where people land after logging in: staff on their to-do list, residents on the open round of
the current contest (home when none is open), unless a safe ?next= says otherwise."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.roles import Role
from contests.models import ContestAudience
from tests.contests.helpers import NOW, make_contest, make_round
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = reverse("accounts:login")


def land(client, user, password, query: str = "", **extra) -> str:
    response = client.post(URL + query, {"username": user.phone, "password": password, "remember": "on", **extra})
    assert response.status_code == 302
    location = response["Location"]
    if location == reverse("after_login"):
        location = client.get(location)["Location"]
    return location


@pytest.mark.parametrize("role", [Role.STAFF, Role.UNIT_MANAGER, Role.ORGANISER])
def test_staff_land_on_their_to_do_list(client, unit_a, password, role):
    assert land(client, make_user(role=role, unit=unit_a), password) == reverse("training:module_list")


def test_a_resident_lands_on_the_open_round_of_the_current_contest(client, resident, password):
    make_round(make_contest(), opens_at=NOW - timedelta(days=14), closes_at=NOW - timedelta(days=7))
    contest = make_contest()
    make_round(contest, opens_at=NOW - timedelta(days=8), closes_at=NOW - timedelta(days=1))
    current = make_round(contest, opens_at=NOW - timedelta(days=1), closes_at=NOW + timedelta(days=6))
    assert land(client, resident, password) == reverse("contests:round_start", args=[contest.slug, current.number])


def test_a_staff_only_or_unpublished_contest_is_not_a_residents_landing(client, resident, password):
    make_round(make_contest(audience=ContestAudience.STAFF))
    make_round(make_contest(is_published=False))
    assert land(client, resident, password) == reverse("home")


def test_a_resident_lands_home_when_no_round_is_open(client, resident, password):
    make_round(make_contest(), opens_at=NOW + timedelta(days=1), closes_at=NOW + timedelta(days=8))
    assert land(client, resident, password) == reverse("home")


def test_a_safe_next_wins_over_the_landing_page(client, staff_a, password):
    target = reverse("accounts:my_data")
    assert land(client, staff_a, password, query=f"?next={target}") == target
    client.post(reverse("accounts:logout"))
    assert land(client, staff_a, password, next=target) == target


def test_a_next_to_another_site_is_ignored(client, resident, password):
    assert land(client, resident, password, next="https://evil.example/phish") == reverse("home")
    client.post(reverse("accounts:logout"))
    assert land(client, resident, password, query="?next=//evil.example/") == reverse("home")


def test_the_landing_page_needs_a_login(client):
    response = client.get(reverse("after_login"))
    assert response.status_code == 302 and response["Location"].startswith(URL)
