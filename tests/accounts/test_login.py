import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = reverse("accounts:login")


@pytest.mark.parametrize("typed", ["0905 000 003", "+84 905 000 003", "84.905.000.003", "０９０５０００００３"])
def test_one_person_logs_in_with_the_number_typed_any_common_way(client, village, password, typed):
    person = make_user(role=Role.RESIDENT, unit=village, phone="0905000003")
    response = client.post(URL, {"username": typed, "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_the_login_box_takes_a_long_email_and_says_phone_or_email(client):
    page = client.get(URL).content.decode()
    box = page[page.index('name="username"') - 200: page.index('name="username"') + 200]
    assert 'maxlength="10"' not in box
    assert 'maxlength="254"' in box
    assert "Số điện thoại hoặc email" in page


def test_an_email_typed_in_capitals_logs_in(client, staff_a, password):
    staff_a.email = "an.pham@example.vn"
    staff_a.save()
    response = client.post(URL, {"username": "  AN.PHAM@EXAMPLE.VN ", "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_a.pk)


def test_it_logs_a_resident_in_with_any_spelling_of_the_phone(client, resident, password):
    spaced = "+84 " + resident.phone[1:4] + " " + resident.phone[4:]
    response = client.post(reverse("accounts:login"), {"username": spaced, "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(resident.pk)


def test_it_logs_staff_in_with_email(client, staff_a, password):
    staff_a.email = "an.pham@example.vn"
    staff_a.save()
    response = client.post(reverse("accounts:login"), {"username": "An.Pham@example.vn", "password": password})
    assert response.status_code == 302


def test_it_says_in_vietnamese_when_the_password_is_wrong(client, resident):
    response = client.post(reverse("accounts:login"), {"username": resident.phone, "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_locks_the_account_after_repeated_failures(client, resident, password, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": resident.phone, "password": "sai-mat-khau"})
    response = client.post(reverse("accounts:login"), {"username": resident.phone, "password": password})
    assert response.status_code == 429
    assert "bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_bulk_created_accounts_must_change_password_first(client, staff_a, password):
    staff_a.must_change_password = True
    staff_a.save()
    client.post(reverse("accounts:login"), {"username": staff_a.phone, "password": password})
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    new = "Mot-mat-khau-moi-2025"
    client.post(reverse("accounts:password_change"),
                {"old_password": password, "new_password1": new, "new_password2": new})
    staff_a.refresh_from_db()
    assert not staff_a.must_change_password
    assert client.get(reverse("home")).status_code == 200


def test_the_lockout_counts_every_spelling_of_a_phone_as_one_account(client, resident, password, settings):
    settings.AXES_FAILURE_LIMIT = 3
    spellings = [resident.phone, "+84" + resident.phone[1:], resident.phone[:4] + " " + resident.phone[4:]]
    for spelling in spellings:
        client.post(reverse("accounts:login"), {"username": spelling, "password": "sai-mat-khau"})
    response = client.post(reverse("accounts:login"), {"username": resident.phone, "password": password})
    assert response.status_code == 429
