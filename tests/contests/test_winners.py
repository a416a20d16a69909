"""A closed round's winners: the organisers' export names them in full with phone and unit, to
reach them for the prize, and every download is in the audit log; the public page shows each
one only as they consented."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEntry
from accounts.roles import Role
from contests.closing import round_close
from tests.contests.helpers import NOW, make_contest, make_round, take
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(village, unit_a):
    contest = make_contest(slug="trao-giai", individual_prizes=2, unit_prizes=0, exclude_organisers_from_prizes=False)
    round_ = make_round(contest, opens_at=NOW - timedelta(days=4), closes_at=NOW - timedelta(days=1))
    started = NOW - timedelta(days=2)
    shown = make_user(role=Role.RESIDENT, unit=village, full_name="Nguyễn Văn An", phone="0911000111",
                      show_on_leaderboard=True)
    hidden = make_user(role=Role.STAFF, unit=unit_a, full_name="Trần Thị Bình", phone="0922000222")
    take(round_, shown, correct=3, seconds=30, started=started)
    take(round_, hidden, correct=2, seconds=30, started=started)
    take(round_, make_user(role=Role.RESIDENT, unit=village, full_name="Lê Văn Ba"), correct=1, seconds=30,
         started=started)
    return round_close(round_=round_), shown, hidden


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]


def test_the_organisers_export_has_full_names_phones_and_units_and_is_audited(organiser_client, organiser, closed):
    round_, shown, hidden = closed
    url = reverse("reports:export_round_winners", args=[round_.pk])
    rows = _sheet(organiser_client.get(url))
    assert rows[0][:6] == ["Giải", "Đối tượng", "Thứ hạng giải", "Họ và tên", "Đơn vị", "Số điện thoại"]
    assert [row[2:6] for row in rows[1:]] == [[1, "Nguyễn Văn An", "Thôn Một", "0911000111"],
                                              [2, "Trần Thị Bình", "Phòng A", "0922000222"]]
    organiser_client.get(url)
    entries = AuditEntry.objects.filter(action="export.round_winners")
    assert entries.count() == 2
    assert {(e.actor_id, e.data["round"], e.data["rows"]) for e in entries} == {(organiser.pk, round_.pk, 2)}


def test_a_unit_manager_gets_their_units_winners_with_masked_phones(manager_client, closed):
    round_, _shown, _hidden = closed
    rows = _sheet(manager_client.get(reverse("reports:export_round_winners", args=[round_.pk])))
    assert [row[3:6] for row in rows[1:]] == [["Trần Thị Bình", "Phòng A", "09******22"]]


@pytest.mark.parametrize("persona", ["resident_client", "staff_a_client"])
def test_people_without_the_role_cannot_download_the_winners(request, closed, persona):
    round_, _shown, _hidden = closed
    client = request.getfixturevalue(persona)
    assert client.get(reverse("reports:export_round_winners", args=[round_.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="export.round_winners").exists()


def test_the_public_page_shows_names_only_as_each_person_consented(client, closed):
    round_, shown, hidden = closed
    html = client.get(reverse("contests:winners", args=[round_.contest.slug, round_.number])).content.decode()
    assert "Nguyễn V. A" in html and "Thôn Một" in html
    assert f"Người dự thi #{hidden.pk}" in html
    for private in ("Nguyễn Văn An", "Trần", "Phòng A", "0911000111", "0922000222"):
        assert private not in html
