"""The contest page: rules with the ranking rule, rounds with dates, prizes, Open Graph tags."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.contests.helpers import NOW, make_contest, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest():
    contest = make_contest(title="Tìm hiểu cải cách hành chính", description="Cuộc thi trực tuyến.",
                           individual_prizes=5, unit_prizes=2)
    make_round(contest, opens_at=NOW - timedelta(days=1), closes_at=NOW + timedelta(days=2))
    make_round(contest, opens_at=NOW + timedelta(days=7), closes_at=NOW + timedelta(days=14))
    return contest


def test_anyone_sees_rules_rounds_prizes_and_a_preview_for_zalo(client, contest):
    response = client.get(reverse("contests:contest_detail", args=[contest.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta property="og:title" content="Tìm hiểu cải cách hành chính">' in html
    assert 'property="og:url" content="http://testserver/contests/' in html
    assert "độ lệch" in html  # the ranking rule, in Vietnamese
    assert (NOW - timedelta(days=1)).astimezone().strftime("%d/%m/%Y") in html or "/20" in html
    assert "5 giải cá nhân" in html
    # Anonymous people are offered registration that comes back to the round's start page.
    start = reverse("contests:round_start", args=[contest.slug, 1])
    assert f"/accounts/register/?next={start}" in html


def test_a_logged_in_resident_gets_the_start_button(resident_client, contest):
    html = resident_client.get(reverse("contests:contest_detail", args=[contest.slug])).content.decode()
    assert f'action="{reverse("contests:round_start", args=[contest.slug, 1])}"' in html


def test_a_draft_contest_is_hidden_from_everyone_but_organisers(client, resident_client, organiser_client):
    draft = make_contest(is_published=False)
    url = reverse("contests:contest_detail", args=[draft.slug])
    assert client.get(url).status_code == 404
    assert resident_client.get(url).status_code == 404
    assert organiser_client.get(url).status_code == 200


def test_it_refuses_post(client, contest):
    assert client.post(reverse("contests:contest_detail", args=[contest.slug])).status_code == 405


def test_the_list_shows_published_contests_only(client, contest):
    make_contest(title="Bản nháp", is_published=False)
    html = client.get(reverse("contests:contest_list")).content.decode()
    assert contest.title in html
    assert "Bản nháp" not in html
