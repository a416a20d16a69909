"""Public leaderboards show a person's (masked) name and unit only with their consent: the
consent purpose reads "Show my name and unit on public leaderboards". Without it the person is
"Người dự thi #id" and their unit is left out everywhere the public can look: the live and final
leaderboard, the winners list and the published snapshot file. A public file is also opened in
spreadsheets, so a name shaped like a formula is written as text there."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts.models import UnitKind
from accounts.roles import Role
from contests.closing import round_close
from tests.contests.helpers import make_contest, make_round, take
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def hamlet(commune):
    return make_unit("Thôn Kín Đáo", kind=UnitKind.VILLAGE, parent=commune, headcount=3)


@pytest.fixture
def round_(village, hamlet):
    round_ = make_round(make_contest(slug="rieng-tu", individual_prizes=2, unit_prizes=0))
    take(round_, make_user(role=Role.RESIDENT, unit=village, full_name="Nguyễn Văn An", show_on_leaderboard=True),
         correct=3, seconds=30, prediction=2)
    take(round_, make_user(role=Role.RESIDENT, unit=hamlet, full_name="Trần Thị Bình"), correct=3, seconds=40,
         prediction=2)
    return round_


def _url(name, round_):
    return reverse(name, args=[round_.contest.slug, round_.number])


def _close(round_):
    return round_close(round_=round_, now=round_.closes_at + timedelta(minutes=5))


def test_it_leaves_the_unit_of_a_non_consenting_person_off_the_live_leaderboard(client, round_):
    html = client.get(_url("contests:leaderboard", round_)).content.decode()
    assert "Nguyễn V. A" in html and "Thôn Một" in html
    assert "Người dự thi #" in html
    assert "Thôn Kín Đáo" not in html


def test_it_leaves_the_unit_off_the_final_leaderboard_and_the_winners(client, round_):
    _close(round_)
    for name in ("contests:leaderboard", "contests:winners"):
        html = client.get(_url(name, round_)).content.decode()
        assert "Người dự thi #" in html, name
        assert "Thôn Kín Đáo" not in html, name


def test_it_leaves_the_unit_off_the_published_snapshot(round_):
    round_ = _close(round_)
    text = default_storage.open(round_.snapshot_name).read().decode()
    assert "Thôn Một" in text
    assert "Thôn Kín Đáo" not in text


def test_a_formula_shaped_name_is_text_in_the_published_snapshot(village):
    round_ = make_round()
    take(round_, make_user(role=Role.RESIDENT, unit=village, full_name="=1+2+cmd|'/C calc'!A0 Văn An",
                           show_on_leaderboard=True), correct=3, seconds=30)
    round_ = _close(round_)
    rows = list(csv.reader(io.StringIO(default_storage.open(round_.snapshot_name).read().decode())))
    names = [row[1] for row in rows if row and row[0] == "1"]
    assert names == ["'=1+2+cmd|'/C c. V. A"]
