"""A unit's page: its figures, who has not taken part, who has not finished an assigned module,
the most missed questions, and the download of those lists."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEntry
from tests.reports.scenario import PERIOD


def _url(unit) -> str:
    return reverse("reports:unit_detail", args=[unit.pk])


def test_it_lists_who_has_not_taken_part_and_not_finished(organiser_client, scenario, unit_a):
    response = organiser_client.get(_url(unit_a), PERIOD)
    assert response.status_code == 200
    body = response.content.decode()
    absent = body[body.index('id="absent"'):body.index('id="unfinished"')]
    # staff_a took part in round 1; the manager did not.
    assert "1 người chưa tham gia" in absent and "Lê Văn Quản Lý" in absent and "Phạm Thị An" not in absent
    unfinished = body[body.index('id="unfinished"'):]
    # staff_a completed M1; the manager has not.
    assert "Lê Văn Quản Lý" in unfinished and "M1 Cải cách hành chính" in unfinished
    assert "Phạm Thị An" not in unfinished.split("<h3>")[0]
    assert "Câu hỏi 4?" in body


def test_it_downloads_the_non_participants_and_audits_it(organiser_client, organiser, scenario, village):
    response = organiser_client.get(reverse("reports:unit_pending", args=[village.pk]),
                                    {**PERIOD, "which": "contest"})
    assert response.status_code == 200
    assert "filename*=UTF-8''chua-tham-gia" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:2] == ["Họ và tên", "Đơn vị"]
    # The resident took part: nobody else lives in the village.
    assert sheet.max_row == 1
    entry = AuditEntry.objects.get(action="export.pending_contest")
    assert entry.actor == organiser and entry.data["unit"] == village.pk


def test_it_downloads_the_list_as_csv(organiser_client, scenario, unit_a):
    response = organiser_client.get(reverse("reports:unit_pending", args=[unit_a.pk]), {**PERIOD, "fmt": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == "Lê Văn Quản Lý" and "Chưa tham gia vòng thi nào (01/03/2025–31/03/2025)" in rows[1][4]
    assert rows[2][0] == "Lê Văn Quản Lý" and "Chưa hoàn thành chuyên đề “M1 Cải cách hành chính”" in rows[2][4]
    assert rows[2][5] == "20/03/2025"
    assert len(rows) == 3


def test_a_manager_opens_units_of_their_subtree_only(manager_client, scenario, unit_a, unit_b, commune):
    assert manager_client.get(_url(unit_a), PERIOD).status_code == 200
    assert manager_client.get(_url(unit_b), PERIOD).status_code == 404
    assert manager_client.get(_url(commune), PERIOD).status_code == 404
    assert manager_client.get(reverse("reports:unit_pending", args=[unit_b.pk])).status_code == 404
    assert not AuditEntry.objects.exists()


def test_an_unknown_unit_is_a_404(organiser_client):
    assert organiser_client.get(reverse("reports:unit_detail", args=[999999])).status_code == 404


def test_it_refuses_other_methods(organiser_client, unit_a):
    assert organiser_client.post(_url(unit_a)).status_code == 405
    assert organiser_client.post(reverse("reports:unit_pending", args=[unit_a.pk])).status_code == 405


def test_it_sends_anonymous_people_to_log_in(client, unit_a):
    assert client.get(_url(unit_a)).status_code == 302


@pytest.mark.parametrize("who", ["staff_a_client", "resident_client"])
def test_it_is_hidden_from_staff_and_residents(request, who, unit_a):
    assert request.getfixturevalue(who).get(_url(unit_a)).status_code == 404
