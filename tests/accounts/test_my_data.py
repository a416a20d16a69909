"""The "My data" page: what is stored, consent changes, and corrections."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.consent import CONSENT_TEXT_VERSION
from accounts.models import ConsentRecord
from accounts.services import consent_record

pytestmark = pytest.mark.django_db

URL = reverse("accounts:my_data")
EDIT_URL = reverse("accounts:my_data_edit")


@pytest.fixture
def consented(resident):
    record = consent_record(user=resident, purposes={"contests"})
    ConsentRecord.objects.filter(pk=record.pk).update(
        given_at=timezone.make_aware(datetime(2026, 1, 15, 9, 30)),
    )
    return resident


def test_it_shows_the_owner_everything_stored_with_the_phone_unmasked(resident_client, consented):
    consented.email = "dan@example.vn"
    consented.save()
    page = resident_client.get(URL).content.decode()
    assert "Nguyễn Văn Dân" in page
    assert "1990" in page
    assert consented.phone in page
    assert "dan@example.vn" in page
    assert "Thôn Một (Xã Thử Nghiệm)" in page
    assert "15/01/2026" in page
    assert "Tham gia các cuộc thi và được xếp hạng" in page
    assert CONSENT_TEXT_VERSION in page


def test_it_shows_only_the_visitors_own_data(staff_a_client, consented):
    page = staff_a_client.get(URL).content.decode()
    assert "Phạm Thị An" in page
    assert "Nguyễn Văn Dân" not in page
    assert consented.phone not in page


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_refuses_other_methods(resident_client):
    assert resident_client.put(URL).status_code == 405
    assert resident_client.delete(URL).status_code == 405


def test_changing_optional_consent_adds_a_record_and_mirrors_it(resident_client, consented):
    response = resident_client.post(URL, {"leaderboard": "on"})
    assert response.status_code == 302
    consented.refresh_from_db()
    assert consented.show_on_leaderboard is True
    assert consented.receive_notifications is False
    latest = consented.consents.order_by("-given_at", "-pk").first()
    assert latest.purposes == ["contests", "leaderboard"]
    assert latest.text_version == CONSENT_TEXT_VERSION
    assert consented.consents.count() == 2

    resident_client.post(URL, {"notifications": "on"})
    consented.refresh_from_db()
    assert (consented.show_on_leaderboard, consented.receive_notifications) == (False, True)
    assert consented.consents.count() == 3


def test_saving_the_same_choices_adds_no_record(resident_client, consented):
    response = resident_client.post(URL, {}, follow=True)
    assert consented.consents.count() == 1
    assert "không có gì thay đổi" in response.content.decode()


def test_the_consent_form_starts_from_the_current_choices(resident_client, consented):
    resident_client.post(URL, {"leaderboard": "on"})
    page = resident_client.get(URL).content.decode()
    tag = page[page.index('name="leaderboard"') - 80: page.index('name="leaderboard"') + 80]
    assert "checked" in tag


def test_the_owner_corrects_name_birth_year_and_email(resident_client, resident):
    response = resident_client.post(EDIT_URL, {"full_name": "Nguyễn  Văn Dân Hai", "birth_year": "1991",
                                               "email": "Dan2@Example.vn"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.full_name, resident.birth_year, resident.email) == ("Nguyễn Văn Dân Hai", 1991,
                                                                         "dan2@example.vn")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"full_name": "", "birth_year": "1990"}, "full_name", "Nhập họ và tên"),
        ({"full_name": "Nguyễn Văn Dân", "birth_year": "1850"}, "birth_year", "Năm sinh phải từ 1920 đến"),
        ({"full_name": "Nguyễn Văn Dân", "birth_year": "1990", "email": "an.pham@example.vn"}, "email",
         "Email này đã được dùng cho một tài khoản khác"),
    ],
)
def test_corrections_with_bad_input_change_nothing(resident_client, resident, staff_a, data, field, message):
    staff_a.email = "an.pham@example.vn"
    staff_a.save()
    response = resident_client.post(EDIT_URL, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    resident.refresh_from_db()
    assert (resident.full_name, resident.birth_year, resident.email) == ("Nguyễn Văn Dân", 1990, None)


def test_keeping_ones_own_email_is_not_a_duplicate(resident_client, resident):
    resident.email = "dan@example.vn"
    resident.save()
    response = resident_client.post(EDIT_URL, {"full_name": "Nguyễn Văn Dân", "birth_year": "1990",
                                               "email": "DAN@example.vn"})
    assert response.status_code == 302


def test_the_correction_page_needs_a_login_and_get_or_post(client, resident_client):
    assert client.get(EDIT_URL)["Location"].startswith(reverse("accounts:login"))
    assert resident_client.put(EDIT_URL).status_code == 405
    assert resident_client.get(EDIT_URL).status_code == 200


def test_an_email_in_full_width_characters_is_corrected_to_its_normal_form(resident_client, resident, staff_a):
    staff_a.email = "an.pham@example.vn"
    staff_a.save()
    response = resident_client.post(EDIT_URL, {"full_name": "Nguyễn Văn Dân", "birth_year": "1990",
                                               "email": "ＡＮ.ＰＨＡＭ＠example.vn"})
    assert response.status_code == 200
    assert "Email này đã được dùng" in " ".join(response.context["form"].errors["email"])
    response = resident_client.post(EDIT_URL, {"full_name": "Nguyễn Văn Dân", "birth_year": "1990",
                                               "email": "ｄａｎ＠example.vn"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.email == "dan@example.vn"
