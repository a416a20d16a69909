"""Downloading one's own data as JSON."""

import json

import pytest
from django.urls import reverse

from accounts.personal_data import personal_data_export
from accounts.services import consent_record
from accounts.signals import personal_data

pytestmark = pytest.mark.django_db

URL = reverse("accounts:my_data_download")


def test_it_downloads_the_account_and_consents_as_an_attachment(resident_client, resident):
    consent_record(user=resident, purposes={"contests", "notifications"})
    response = resident_client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="du-lieu-ca-nhan-')
    data = json.loads(response.content.decode("utf-8"))
    assert data["account"]["full_name"] == "Nguyễn Văn Dân"
    assert data["account"]["phone"] == resident.phone
    assert data["account"]["birth_year"] == 1990
    assert data["account"]["unit_path"] == ["Xã Thử Nghiệm", "Thôn Một"]
    assert data["account"]["receive_notifications"] is True
    assert [c["purposes"] for c in data["consents"]] == [["contests", "notifications"]]
    assert data["consents"][0]["text_version"] == "2026-01"
    # Readable Vietnamese, not \u escapes, for a person opening the file in a text editor.
    assert "Nguyễn Văn Dân" in response.content.decode("utf-8")


def test_it_contains_only_the_visitors_data(staff_a_client, resident):
    data = json.loads(staff_a_client.get(URL).content)
    assert data["account"]["full_name"] == "Phạm Thị An"
    assert resident.phone not in json.dumps(data)


def _contest_attempts(sender, user, **kwargs) -> dict:
    return {"contest_attempts": [{"round": 1, "score": 8}]}


def test_other_apps_add_their_sections(resident_client):
    personal_data.connect(_contest_attempts, dispatch_uid="test.contest_attempts")
    try:
        data = json.loads(resident_client.get(URL).content)
    finally:
        personal_data.disconnect(dispatch_uid="test.contest_attempts")
    assert data["contest_attempts"] == [{"round": 1, "score": 8}]
    assert "account" in data and "consents" in data


def _another_account(sender, user, **kwargs) -> dict:
    return {"account": {}}


def test_a_section_name_is_given_once(resident):
    personal_data.connect(_another_account, dispatch_uid="test.another_account")
    try:
        with pytest.raises(ValueError, match="section named 'account'"):
            personal_data_export(user=resident)
    finally:
        personal_data.disconnect(dispatch_uid="test.another_account")


def test_it_sends_anonymous_visitors_to_log_in(client):
    assert client.get(URL)["Location"].startswith(reverse("accounts:login"))


def test_it_refuses_post(resident_client):
    assert resident_client.post(URL).status_code == 405
