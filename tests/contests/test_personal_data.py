"""What contests keep about a person in their "My data" download: the tie-break prediction given
with each attempt (a section of its own, from contests' personal_data receiver)."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from tests.contests.helpers import NOW, make_round, take

pytestmark = pytest.mark.django_db

URL = reverse("accounts:my_data_download")


def test_the_download_holds_each_of_my_predictions_and_nobody_else_s(resident_client, resident, staff_a):
    round_ = make_round(attempts_allowed=None)
    first = take(round_, resident, correct=1, seconds=30, prediction=120)
    second = take(round_, resident, correct=2, seconds=30, prediction=95, started=NOW + timedelta(minutes=5))
    take(round_, staff_a, correct=3, seconds=20, prediction=7)
    data = json.loads(resident_client.get(URL).content)
    assert [(p["attempt"], p["value"]) for p in data["contest_predictions"]] == [(first.pk, 120), (second.pk, 95)]
    assert all(p["given_at"] for p in data["contest_predictions"])


def test_someone_who_never_took_part_gets_an_empty_section(resident_client):
    assert json.loads(resident_client.get(URL).content)["contest_predictions"] == []
