"""A report GET writes nothing: the pages, the weak-topics fragment, the API, the downloads and the
.docx read the figures (the tallies are counted by `update_report_tallies`, never by a request).
The one write is the audit log entry of a download that names people (accounts.exports)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.reports.scenario import PERIOD

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


def _get(client, url: str, **headers) -> list[str]:
    """The statements of one GET that write."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, PERIOD, headers=headers)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.mark.parametrize("name", [
    "reports:dashboard", "reports:weak_topics", "reports:export_units", "reports:periodic_report",
    "reports_api:units", "reports_api:weak_topics", "reports_api:trends",
])
def test_a_report_read_writes_nothing(organiser_client, scenario, name):
    assert _get(organiser_client, reverse(name)) == []


def test_the_weak_topics_fragment_and_a_unit_page_write_nothing(organiser_client, scenario, unit_a):
    assert _get(organiser_client, reverse("reports:weak_topics"), HX_Request="true") == []
    assert _get(organiser_client, reverse("reports:unit_detail", args=[unit_a.pk])) == []


def test_a_download_naming_people_writes_its_audit_entry_only(organiser_client, scenario, unit_a):
    round_1 = scenario.rounds[1]
    for url in (reverse("reports:export_training"), reverse("reports:unit_pending", args=[unit_a.pk]),
                reverse("reports:export_round_results", args=[round_1.pk]),
                reverse("reports:export_round_winners", args=[round_1.pk])):
        [write] = _get(organiser_client, url)
        assert write.startswith('INSERT INTO "accounts_auditentry"'), url
