"""Registration of a resident: the form, the consent it records, and every refusal."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.consent import CONSENT_TEXT_VERSION
from accounts.models import ConsentRecord, UnitKind, User
from accounts.roles import Role
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

URL = reverse("accounts:register")
NEW_PASSWORD = "Thon-mot-2026-dang-ky"


def form_data(home, **overrides) -> dict:
    data = {
        "full_name": "  Hồ   Thị Lan ",
        "birth_year": "1988",
        "phone": "+84 935 123 456",
        "village": str(home.pk),
        "email": "",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "consent_contests": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def snapshot() -> tuple[int, int]:
    return User.objects.count(), ConsentRecord.objects.count()


def test_it_shows_the_form_with_every_consent_box_unticked(client, village):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("consent_contests", "consent_leaderboard", "consent_notifications"):
        tag = page[page.index(f'name="{name}"') - 100: page.index(f'name="{name}"') + 100]
        assert "checked" not in tag
    assert "UBND xã Đông Trà Bồng" in page
    assert "13/2023/NĐ-CP" in page and "91/2025/QH15" in page
    assert CONSENT_TEXT_VERSION in page


def test_it_labels_each_village_with_its_commune(client, village, unit_a):
    page = client.get(URL).content.decode()
    assert "Thôn Một (Xã Thử Nghiệm)" in page
    assert "Phòng A" not in page


def test_it_registers_a_resident_records_consent_and_logs_in(client, village):
    response = client.post(URL, form_data(village, consent_leaderboard="on"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(phone="0935123456")
    assert user.full_name == "Hồ Thị Lan"
    assert user.birth_year == 1988
    assert user.unit == village
    assert user.email is None
    assert user.check_password(NEW_PASSWORD)
    assert user.show_on_leaderboard is True
    assert user.receive_notifications is False
    assert list(user.groups.values_list("name", flat=True)) == [Role.RESIDENT.value]
    record = user.consents.get()
    assert record.purposes == ["contests", "leaderboard"]
    assert record.text_version == CONSENT_TEXT_VERSION
    assert abs((timezone.now() - record.given_at).total_seconds()) < 60
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_keeps_an_optional_email_in_lower_case(client, village):
    client.post(URL, form_data(village, email="Lan.Ho@Example.VN", consent_notifications="on"))
    user = User.objects.get(phone="0935123456")
    assert user.email == "lan.ho@example.vn"
    assert user.receive_notifications is True
    assert user.consents.get().purposes == ["contests", "notifications"]


def test_it_follows_a_next_url_on_this_site(client, village):
    response = client.post(URL, form_data(village, next="/contests/1/"))
    assert response["Location"] == "/contests/1/"


def test_it_ignores_a_next_url_to_another_site(client, village):
    response = client.post(URL, form_data(village, next="https://evil.example/"))
    assert response["Location"] == reverse("home")


def test_it_sends_a_logged_in_person_home(resident_client):
    response = resident_client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_it_refuses_other_methods(client):
    assert client.put(URL).status_code == 405


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "0123 456"}, "phone", "không phải số di động Việt Nam"),
        ({"phone": "02553 822 123"}, "phone", "không phải số di động Việt Nam"),
        ({"birth_year": "1900"}, "birth_year", "Năm sinh phải từ 1920 đến"),
        ({"birth_year": str(timezone.localdate().year - 2)}, "birth_year", "Năm sinh phải từ 1920 đến"),
        ({"birth_year": "năm"}, "birth_year", "Nhập năm sinh gồm bốn chữ số"),
        ({"consent_contests": None}, "consent_contests", "Để đăng ký, bạn cần đồng ý"),
        ({"village": "999999"}, "village", "Thôn bạn chọn không có trong danh sách"),
        ({"password2": "Mot-mat-khau-khac-9"}, "password2", "Hai mật khẩu không giống nhau"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "Mật khẩu"),
        ({"full_name": " "}, "full_name", "Nhập họ và tên"),
        ({"email": "khong-phai-email"}, "email", "Nhập địa chỉ email hợp lệ"),
    ],
)
def test_it_refuses_bad_input_with_a_vietnamese_message(client, village, overrides, field, message):
    before = snapshot()
    response = client.post(URL, form_data(village, **overrides))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert message in response.content.decode()
    assert snapshot() == before
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_unit_that_is_not_a_village(client, village, unit_a):
    before = snapshot()
    response = client.post(URL, form_data(village, village=str(unit_a.pk)))
    assert "Thôn bạn chọn không có trong danh sách" in response.content.decode()
    assert snapshot() == before


def test_it_refuses_a_phone_already_registered_in_any_spelling(client, village, resident):
    before = snapshot()
    spelled = "+84 " + resident.phone[1:]
    response = client.post(URL, form_data(village, phone=spelled))
    assert "Số điện thoại này đã được đăng ký" in " ".join(response.context["form"].errors["phone"])
    assert snapshot() == before


def test_it_refuses_an_email_already_used(client, village, staff_a):
    staff_a.email = "an.pham@example.vn"
    staff_a.save()
    before = snapshot()
    response = client.post(URL, form_data(village, email="AN.PHAM@example.vn"))
    assert "Email này đã được dùng cho một tài khoản khác" in " ".join(response.context["form"].errors["email"])
    assert snapshot() == before


def test_it_refuses_a_post_without_csrf_token_with_a_friendly_page(village):
    client = Client(enforce_csrf_checks=True)
    before = snapshot()
    response = client.post(URL, form_data(village))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Biểu mẫu đã hết hạn" in page
    assert "Không có gì được lưu" in page
    assert snapshot() == before


def test_the_birth_year_message_names_the_allowed_range(client, village):
    youngest = timezone.localdate().year - 6
    response = client.post(URL, form_data(village, birth_year=str(youngest + 1)))
    assert f"Năm sinh phải từ 1920 đến {youngest}" in response.content.decode()
    assert client.post(URL, form_data(village, birth_year=str(youngest))).status_code == 302


def test_villages_of_several_communes_are_told_apart(client, commune):
    other = make_unit("Xã Bên Cạnh", kind=UnitKind.COMMUNE)
    make_unit("Thôn Một", kind=UnitKind.VILLAGE, parent=other)
    make_unit("Thôn Một", kind=UnitKind.VILLAGE, parent=commune)
    page = client.get(URL).content.decode()
    assert "Thôn Một (Xã Bên Cạnh)" in page and "Thôn Một (Xã Thử Nghiệm)" in page


def test_the_resident_group_exists_for_registration(db):
    # Registration assigns the role by group name; the group comes from the post-migrate hook.
    assert Group.objects.filter(name=Role.RESIDENT.value).exists()


def test_a_number_typed_in_full_width_digits_is_the_registered_number(client, village):
    assert client.post(URL, form_data(village, phone="0935 123 456")).status_code == 302
    before = snapshot()
    response = Client().post(URL, form_data(village, phone="０９３５１２３４５６"))
    assert response.status_code == 200
    assert "đã được đăng ký" in " ".join(response.context["form"].errors["phone"])
    assert snapshot() == before
    assert User.objects.filter(phone="0935123456").count() == 1


def test_an_email_typed_in_full_width_or_capitals_is_stored_once_in_lower_case(client, village):
    response = client.post(URL, form_data(village, email="ＨＯ.ＬＡＮ＠Example.VN"))
    assert response.status_code == 302
    assert User.objects.get(phone="0935123456").email == "ho.lan@example.vn"
    response = Client().post(URL, form_data(village, phone="0935 123 457", email="ho.lan@example.vn"))
    assert "Email này đã được dùng" in " ".join(response.context["form"].errors["email"])
