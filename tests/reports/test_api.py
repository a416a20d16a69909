"""Read-only report endpoints: same figures as the dashboard, scoped the same way, every error
in the API's one shape."""

from datetime import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reports.models import TallyUpdate
from tests.reports.scenario import PERIOD

UNITS = reverse("reports_api:units")
WEAK = reverse("reports_api:weak_topics")
TRENDS = reverse("reports_api:trends")


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_unit_statistics(organiser, scenario):
    response = _client(organiser).get(UNITS, PERIOD)
    assert response.status_code == 200
    data = response.json()
    assert data["filters"]["date_from"] == "2025-03-01"
    assert [u["unit"] for u in data["units"]] == ["Phòng B", "Phòng A", "Thôn Một", "Xã Thử Nghiệm"]
    village = data["units"][2]
    assert (village["participation_rate"], village["mean_score"], village["mean_score_change"]) == (
        "2.0", "50.0", "25.0")
    assert (data["total"]["participants"], data["total"]["completion_rate"]) == (3, "33.3")


def test_weak_topics(organiser, scenario):
    data = _client(organiser).get(WEAK, PERIOD).json()
    assert [t["name"] for t in data["topics"]] == ["T1 Nghị quyết 76", "T2 Dịch vụ công"]
    # As of the last count of the tallies (local time, as every date-time of the API).
    assert datetime.fromisoformat(data["counted_at"]) == TallyUpdate.objects.get().counted_at
    village = next(u for u in data["units"] if u["unit"] == "Thôn Một")
    assert [(c["rate"], c["weak"]) for c in village["cells"]] == [("75.0", False), ("25.0", True)]
    assert [c["rate"] for c in data["totals"]] == ["75.0", "50.0"]


def test_trends(organiser, scenario):
    data = _client(organiser).get(TRENDS, PERIOD).json()
    assert [(r["staff"], r["residents"], r["participation_rate"], r["mean_score"]) for r in data["rounds"]] == [
        (2, 1, "3.0", "75.0"), (0, 1, "1.0", "25.0")]


@pytest.mark.parametrize("url", [UNITS, WEAK, TRENDS])
def test_a_unit_manager_never_sees_another_subtree(manager_a, scenario, unit_b, url):
    client = _client(manager_a)
    data = client.get(url, PERIOD).json()
    assert data["filters"]["unit"] == "Phòng A"
    assert "Phòng B" not in str(data) and "Thôn Một" not in str(data)
    response = client.get(url, {**PERIOD, "unit": unit_b.pk})
    assert response.status_code == 400
    assert "nằm ngoài phạm vi" in response.json()["errors"]["unit"][0]


def test_trends_for_a_manager_count_their_people_only(manager_a, scenario):
    data = _client(manager_a).get(TRENDS, PERIOD).json()
    assert [(r["staff"], r["residents"]) for r in data["rounds"]] == [(1, 0), (0, 0)]


@pytest.mark.parametrize(("params", "field"), [
    ({"date_from": "2025-02-30"}, "date_from"),
    ({"date_from": "2025-03-31", "date_to": "2025-03-01"}, "date_to"),
    ({"unit": "99999999999999999999999"}, "unit"),
    ({"contest": "x"}, "contest"),
    ({"audience": "all"}, "audience"),
])
def test_bad_filters_are_a_400_in_vietnamese(organiser, scenario, params, field):
    response = _client(organiser).get(UNITS, params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize("url", [UNITS, WEAK, TRENDS])
def test_anonymous_people_get_a_401(url):
    assert APIClient().get(url).status_code == 401


@pytest.mark.parametrize("url", [UNITS, WEAK, TRENDS])
def test_staff_and_residents_get_a_404(staff_a, resident, url):
    assert _client(staff_a).get(url).status_code == 404
    assert _client(resident).get(url).status_code == 404


@pytest.mark.parametrize("url", [UNITS, WEAK, TRENDS])
def test_the_endpoints_are_read_only(organiser, url):
    assert _client(organiser).post(url, {}).status_code == 405


def test_the_endpoints_are_in_the_schema(client):
    schema = client.get(reverse("api-schema")).content.decode()
    for path in ("/api/reports/units/", "/api/reports/weak-topics/", "/api/reports/trends/"):
        assert path in schema


def test_unit_statistics_in_a_fixed_number_of_queries(organiser, scenario, django_assert_num_queries):
    client = _client(organiser)
    with django_assert_num_queries(14):  # 12, and the commune it opens on and the unit asked for
        client.get(UNITS, PERIOD)
