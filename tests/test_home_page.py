"""The home page leads with the open round: its title, the time left and the closing time, one
button to take part (a newcomer registers first, then lands on the round's start), and plain
share links for Zalo and Facebook with the contest's address. Without an open round it is the
platform's own introduction."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from contests.models import Round
from tests.contests.helpers import make_contest, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_round():
    return make_round(make_contest(slug="cchc-2025", title="Tìm hiểu CCHC năm 2025"))


def test_it_leads_with_the_open_round_and_one_button_to_register_and_take_part(client, open_round):
    html = client.get("/").content.decode()
    main = html.split('<main id="main"', 1)[1]
    assert re.search(r"<h1[^>]*>Tìm hiểu CCHC năm 2025: Tuần thi 1</h1>", main)
    assert main.index("<h1") < main.index("<h2")
    closes = timezone.localtime(open_round.closes_at)
    assert f"đóng lúc {closes:%H:%M} ngày {closes:%d/%m/%Y}" in main
    assert re.search(r"<strong>Còn 5\xa0ngày, 23\xa0giờ</strong>|<strong>Còn 6\xa0ngày</strong>", main)
    start = "/contests/cchc-2025/rounds/1/start/"
    assert main.count('class="button button-large"') == 1
    assert f'class="button button-large" href="/accounts/register/?next={start}">Tham gia thi</a>' in main
    assert f'href="/accounts/login/?next={start}"' in main


def test_a_person_logged_in_goes_straight_to_the_rounds_start(resident_client, open_round):
    html = resident_client.get("/").content.decode()
    assert 'class="button button-large" href="/contests/cchc-2025/rounds/1/start/">Tham gia thi</a>' in html


def test_the_share_links_are_plain_links_with_the_contests_address(client, open_round):
    html = client.get("/", HTTP_HOST="testserver").content.decode()
    address = quote("http://testserver/contests/cchc-2025/", safe="")
    assert f'href="https://sp.zalo.me/share_inline?url={address}"' in html
    assert f'href="https://www.facebook.com/sharer/sharer.php?u={address}"' in html
    # No script of theirs: every script the page loads is the site's own static file.
    assert all(src.startswith("/static/") for src in re.findall(r'<script[^>]* src="([^"]+)"', html))


def test_without_an_open_round_it_is_the_platforms_introduction(client):
    contest = make_contest(slug="xong")
    make_round(contest, opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=2))
    make_round(make_contest(slug="nhap", is_published=False))
    make_round(contest, opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=8))
    html = client.get("/").content.decode()
    assert '<h1 id="hero-title">' in html
    assert "button-large" not in html and "share_inline" not in html


def test_a_closed_round_is_not_led_with(client, open_round):
    Round.objects.filter(pk=open_round.pk).update(closed_at=timezone.now())
    assert "button-large" not in client.get("/").content.decode()


def test_the_round_closing_soonest_comes_first(client, open_round):
    make_round(make_contest(slug="som", title="Cuộc thi sắp đóng"), closes_at=timezone.now() + timedelta(hours=3))
    html = client.get("/").content.decode()
    assert re.search(r"<h1[^>]*>Cuộc thi sắp đóng: ", html)


def test_it_reads_the_open_round_in_one_query(client, open_round, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/").status_code == 200
