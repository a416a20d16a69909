"""Deleting one's data: the account is anonymised, the row (and what counts on it) stays."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token

from accounts.models import AuditEntry, ConsentRecord, User
from accounts.services import consent_record, user_anonymise
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

URL = reverse("accounts:my_data_delete")


def test_it_erases_identity_but_keeps_the_row_and_the_consent_records(resident):
    resident.email = "dan@example.vn"
    resident.show_on_leaderboard = True
    resident.save()
    consent_record(user=resident, purposes={"contests", "leaderboard"})
    phone, unit = resident.phone, resident.unit

    user_anonymise(user=resident)

    row = User.objects.get(pk=resident.pk)
    assert row.full_name == "Người dùng đã xóa"
    assert (row.phone, row.email, row.birth_year) == (None, None, None)
    assert row.show_on_leaderboard is False and row.receive_notifications is False
    assert row.is_active is False
    assert not row.has_usable_password()
    assert row.anonymised_at is not None
    assert row.unit == unit  # results keep counting for the village
    assert ConsentRecord.objects.filter(user=row).count() == 1
    assert not User.objects.filter(phone=phone).exists()
    assert AuditEntry.objects.filter(action="user.anonymise", object_id=str(row.pk)).exists()


def test_the_placeholder_name_is_vietnamese_whatever_language_the_person_used(resident):
    with translation.override("en"):
        user_anonymise(user=resident)
    resident.refresh_from_db()
    assert resident.full_name == "Người dùng đã xóa"


def test_it_removes_login_records_and_api_tokens(resident):
    AccessAttempt.objects.create(username=resident.phone, ip_address="203.0.113.5", failures_since_start=1,
                                 user_agent="", path_info="/", get_data="", post_data="")
    Token.objects.create(user=resident)
    user_anonymise(user=resident)
    assert not AccessAttempt.objects.exists()
    assert not Token.objects.filter(user=resident).exists()


def test_the_phone_can_register_again_afterwards(client, resident, village):
    phone = resident.phone
    user_anonymise(user=resident)
    response = client.post(reverse("accounts:register"), {
        "full_name": "Nguyễn Văn Dân", "birth_year": "1990", "phone": phone, "village": village.pk,
        "password1": PASSWORD, "password2": PASSWORD, "consent_contests": "on",
    })
    assert response.status_code == 302
    assert User.objects.filter(phone=phone).count() == 1


def test_the_confirmation_page_explains_what_happens(resident_client):
    page = resident_client.get(URL).content.decode()
    assert "không thể hoàn tác" in page
    assert 'name="password"' in page


def test_confirming_with_the_password_anonymises_and_logs_out(resident_client, resident):
    response = resident_client.post(URL, {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert SESSION_KEY not in resident_client.session
    resident.refresh_from_db()
    assert resident.is_anonymised
    assert Client().post(reverse("accounts:login"), {"username": resident.phone or "", "password": PASSWORD}
                         ).status_code == 200


def test_a_wrong_password_deletes_nothing(resident_client, resident):
    response = resident_client.post(URL, {"password": "khong-phai-mat-khau"})
    assert response.status_code == 200
    assert "Mật khẩu không đúng. Tài khoản của bạn chưa bị xóa." in response.content.decode()
    resident.refresh_from_db()
    assert not resident.is_anonymised and resident.full_name == "Nguyễn Văn Dân"


def test_an_empty_confirmation_deletes_nothing(resident_client, resident):
    response = resident_client.post(URL, {})
    assert "Nhập mật khẩu để xác nhận" in response.content.decode()
    resident.refresh_from_db()
    assert not resident.is_anonymised


def test_other_devices_lose_their_session(resident, password):
    other_device = Client()
    other_device.post(reverse("accounts:login"), {"username": resident.phone, "password": password})
    this_device = Client()
    this_device.post(reverse("accounts:login"), {"username": resident.phone, "password": password})
    this_device.post(URL, {"password": password})
    assert other_device.get(reverse("accounts:my_data")).status_code == 302


def test_it_sends_anonymous_visitors_to_log_in(client):
    assert client.post(URL, {"password": PASSWORD})["Location"].startswith(reverse("accounts:login"))


def test_it_refuses_other_methods(resident_client):
    assert resident_client.put(URL).status_code == 405


def test_one_person_cannot_delete_another(staff_a_client, resident, staff_a):
    staff_a_client.post(URL, {"password": PASSWORD})
    resident.refresh_from_db()
    staff_a.refresh_from_db()
    assert not resident.is_anonymised
    assert staff_a.is_anonymised
