"""Downloads built by one exporter each and written by the shared writer: unit statistics,
training completion, round results with every answer, winners and unit prizes."""

import csv
import io
from datetime import datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEntry
from contests.models import Prize, PrizeKind, Standing
from tests.reports.scenario import PERIOD


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]


def test_unit_statistics_match_the_dashboard(organiser_client, scenario):
    rows = _sheet(organiser_client.get(reverse("reports:export_units"), PERIOD))
    assert rows[0][:3] == ["Hạng", "Đơn vị", "Biên chế/số người"]
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Phòng B"][:3] == [1, "Phòng B", 5]
    assert by_name["Phòng A"][6:10] == [50.0, 1, 20.0, 50.0]
    assert by_name["Tổng: Xã Thử Nghiệm"][2:10] == [100, 5, 3, 1, 33.3, 3, 3.0, 62.5]
    assert not AuditEntry.objects.exists()  # figures only, no personal data


def test_unit_statistics_as_csv(organiser_client, scenario):
    response = organiser_client.get(reverse("reports:export_units"), {**PERIOD, "fmt": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[-1][1] == "Tổng: Xã Thử Nghiệm" and rows[-1][9] == "62.5"


def test_training_completion_lists_each_covered_member(organiser_client, organiser, scenario):
    rows = _sheet(organiser_client.get(reverse("reports:export_training"), PERIOD))
    people = {(row[1], row[7]) for row in rows[1:]}
    assert people == {("Phạm Thị An", "Đã hoàn thành"), ("Lê Văn Quản Lý", "Quá hạn"), ("Võ Văn Bình", "Quá hạn")}
    assert AuditEntry.objects.get().action == "export.training_completion"


def test_round_results_have_each_persons_answers(organiser_client, scenario):
    round_1 = scenario.rounds[1]
    rows = _sheet(organiser_client.get(reverse("reports:export_round_results", args=[round_1.pk])))
    assert rows[0][-4:] == ["Câu 1", "Câu 2", "Câu 3", "Câu 4"]
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Phạm Thị An"][5:7] == [2, 4]
    assert by_name["Phạm Thị An"][-4:] == ["A ✓", "B ✗", "A ✓", "B ✗"]
    assert by_name["Nguyễn Văn Dân"][-4:] == ["A ✓", "A ✓", "A ✓", "B ✗"]
    assert isinstance(by_name["Võ Văn Bình"][8], datetime)
    assert [row[1] for row in rows[1:]] == ["Võ Văn Bình", "Nguyễn Văn Dân", "Phạm Thị An"]
    assert AuditEntry.objects.get().action == "export.round_results"


def test_a_manager_gets_only_their_subtrees_results(manager_client, scenario):
    rows = _sheet(manager_client.get(reverse("reports:export_round_results", args=[scenario.rounds[1].pk])))
    assert [row[1] for row in rows[1:]] == ["Phạm Thị An"]


def test_winners_and_unit_prizes(organiser_client, scenario, unit_b, staff_b):
    round_1 = scenario.rounds[1]
    Prize.objects.create(round=round_1, kind=PrizeKind.INDIVIDUAL, place=1,
                         standing=Standing.objects.get(round=round_1, user=staff_b))
    Prize.objects.create(round=round_1, kind=PrizeKind.UNIT, place=1, unit=unit_b, participants=1, headcount=5,
                         mean_score="4.00")
    rows = _sheet(organiser_client.get(reverse("reports:export_round_winners", args=[round_1.pk])))
    assert rows[1][:7] == ["Cá nhân", "Tất cả", 1, "Võ Văn Bình", "Phòng B", staff_b.phone, 4]
    assert rows[2][4] == "Phòng B" and rows[2][9:] == [1, 5, 4.0]


def test_an_unknown_round_is_a_404(organiser_client):
    assert organiser_client.get(reverse("reports:export_round_results", args=[999999])).status_code == 404


@pytest.mark.parametrize("name", ["export_units", "export_training"])
def test_exports_refuse_anonymous_people_and_outsiders(client, staff_a_client, name):
    assert client.get(reverse(f"reports:{name}")).status_code == 302
    assert staff_a_client.get(reverse(f"reports:{name}")).status_code == 404


def test_exports_refuse_other_methods(organiser_client):
    assert organiser_client.post(reverse("reports:export_units")).status_code == 405
