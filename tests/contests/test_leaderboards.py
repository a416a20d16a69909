"""Leaderboards: provisional then final, masked names for consenting people only, htmx polling,
unit tables with validated filters, "why am I ranked here", winners and the snapshot."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import UnitKind
from accounts.roles import Role
from contests.closing import round_close
from tests.contests.helpers import make_contest, make_round, take
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(village):
    round_ = make_round(make_contest(slug="bxh"))
    take(round_, make_user(role=Role.RESIDENT, unit=village, full_name="Nguyễn Văn An", show_on_leaderboard=True),
         correct=3, seconds=30, prediction=2)
    take(round_, make_user(role=Role.RESIDENT, unit=village, full_name="Trần Thị Bình"), correct=2, seconds=20,
         prediction=2)
    return round_


def _url(name, round_, **query):
    url = reverse(name, args=[round_.contest.slug, round_.number])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _close(round_):
    return round_close(round_=round_, now=round_.closes_at + timedelta(minutes=5))


def test_the_live_leaderboard_is_provisional_masked_and_polls(client, round_):
    html = client.get(_url("contests:leaderboard", round_)).content.decode()
    assert "Xếp hạng tạm thời" in html
    assert 'hx-trigger="every 15s"' in html
    assert "Nguyễn V. A" in html
    assert "Trần" not in html and "Người dự thi #" in html
    assert html.index("Nguyễn V. A") < html.index("Người dự thi #")


def test_htmx_gets_the_fragment_alone(client, round_):
    html = client.get(_url("contests:leaderboard", round_), HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="leaderboard"')
    assert "<html" not in html


def test_after_close_the_leaderboard_is_final_and_stops_polling(client, round_):
    _close(round_)
    html = client.get(_url("contests:leaderboard", round_)).content.decode()
    assert "Xếp hạng chung cuộc" in html
    assert "hx-trigger" not in html


@pytest.mark.parametrize("people", [3, 12])
def test_the_leaderboard_reads_in_a_fixed_number_of_queries(client, village, django_assert_num_queries, people):
    round_ = make_round(make_contest(slug=f"dem-{people}"))
    for n in range(people):
        take(round_, make_user(role=Role.RESIDENT, unit=village), correct=n % 4, seconds=10 + n)
    # contest, round, the top rows (names and units joined in).
    with django_assert_num_queries(3):
        assert client.get(_url("contests:leaderboard", round_)).status_code == 200


def test_the_overall_leaderboard_adds_rounds_up(client, village, django_assert_num_queries):
    contest = make_contest(slug="tong")
    first, second = make_round(contest), make_round(contest)
    person = make_user(role=Role.RESIDENT, unit=village, full_name="Lê Văn Cường", show_on_leaderboard=True)
    take(first, person, correct=2, seconds=10)
    take(second, person, correct=3, seconds=10)
    with django_assert_num_queries(2):
        html = client.get(reverse("contests:overall_leaderboard", args=["tong"])).content.decode()
    assert "Lê V. C" in html and 'data-label="Tổng điểm">5</td>' in html


def test_the_unit_table_shows_participation_and_mean_score(client, round_, commune, django_assert_num_queries):
    # contest, round, the root unit, the subtree's units, their UnitStanding rows, the filter's options:
    # none per participant.
    with django_assert_num_queries(6):
        html = client.get(_url("contests:unit_leaderboard", round_)).content.decode()
    # Thôn Một: 2 of 50 people, mean (3 + 2) / 2.
    assert "Thôn Một" in html and "2 / 50" in html and "4.0%" in html.replace(",", ".") and "2.50" in html.replace(
        ",", ".")


def test_the_unit_table_for_a_parent_unit(client, round_, commune):
    hamlet_parent = make_unit("Cụm dân cư", kind=UnitKind.VILLAGE, parent=commune, headcount=0)
    make_unit("Xóm Nhỏ", kind=UnitKind.VILLAGE, parent=hamlet_parent, headcount=4)
    html = client.get(_url("contests:unit_leaderboard", round_, parent=hamlet_parent.pk)).content.decode()
    table = html.split('<table class="stack">')[1]
    assert "Xóm Nhỏ" in table and "Thôn Một" not in table


@pytest.mark.parametrize("junk", ["abc", "999999", "-1", "1%20OR%201=1"])
def test_a_junk_unit_filter_gets_a_clear_message(client, round_, junk):
    response = client.get(_url("contests:unit_leaderboard", round_, parent=junk))
    assert response.status_code == 400
    assert "Đơn vị này không tồn tại" in response.content.decode()


def test_why_am_i_ranked_here_shows_my_figures_and_my_masked_neighbours(village, round_):
    from django.test import Client

    from contests.models import Standing

    me = Standing.objects.get(user__full_name="Trần Thị Bình").user
    client = Client()
    client.force_login(me, backend="accounts.backends.PhoneOrEmailBackend")
    _close(round_)
    html = client.get(_url("contests:why_ranked", round_)).content.decode()
    assert "<dt>Hạng chung cuộc</dt><dd>2</dd>" in html
    assert "con số thực tế 2" in html
    assert "Nguyễn V. A" in html and "Nguyễn Văn An" not in html


def test_why_needs_a_login(client, round_):
    response = client.get(_url("contests:why_ranked", round_))
    assert response.status_code == 302 and "login" in response.url


def test_why_for_someone_who_did_not_take_part(staff_b_client, round_):
    html = staff_b_client.get(_url("contests:why_ranked", round_)).content.decode()
    assert "Bạn chưa hoàn thành bài thi nào trong vòng này." in html


def test_winners_and_snapshot_after_close(client, round_):
    assert "được công bố khi vòng thi kết thúc" in client.get(_url("contests:winners", round_)).content.decode()
    assert client.get(_url("contests:snapshot", round_)).status_code == 404
    round_ = _close(round_)
    html = client.get(_url("contests:winners", round_)).content.decode()
    assert "Nguyễn V. A" in html and round_.snapshot_sha256 in html
    response = client.get(_url("contests:snapshot", round_))
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == round_.snapshot_sha256 == response["X-Content-SHA256"]


def test_my_attempts_lists_rounds_with_rank(resident, resident_client):
    round_ = make_round(make_contest(slug="cua-toi"))
    take(round_, resident, correct=2, seconds=12)
    html = resident_client.get(reverse("contests:my_attempts", args=["cua-toi"])).content.decode()
    assert "Điểm được tính 2/3, hạng 1" in html


@pytest.mark.parametrize("name", ["contests:leaderboard", "contests:unit_leaderboard", "contests:winners"])
def test_public_pages_refuse_post(client, round_, name):
    assert client.post(_url(name, round_)).status_code == 405
