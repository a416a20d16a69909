"""Assisted mode, registration: a village officer registers a resident in person (a phone is
optional, no password), the statement read to them, and the resident's consent is recorded as
given in person, naming the officer, with the time."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry, ConsentPurpose, ConsentRecord, UnitKind, User
from accounts.roles import Role, can_act_for, role_of
from tests.assist_helpers import make_officer
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

URL = reverse("accounts:assist_register")


@pytest.fixture
def officer(village):
    return make_officer(village)


@pytest.fixture
def officer_client(officer):
    client = Client()
    client.force_login(officer, backend="accounts.backends.PhoneOrEmailBackend")
    return client


def _form(village, **overrides) -> dict:
    data = {"full_name": "Đinh Thị Bà Cụ", "birth_year": "1948", "phone": "", "village": village.pk,
            "consent_contests": "on", "consent_leaderboard": "on", "in_person": "on"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_officer_registers_a_resident_without_a_phone_and_the_consent_names_the_officer(
        officer_client, officer, village):
    next_url = "/contests/cuoc-thi/rounds/1/assist/"
    response = officer_client.post(URL, {**_form(village), "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    person = User.objects.get(full_name="Đinh Thị Bà Cụ")
    assert (person.phone, person.unit, person.birth_year, person.registered_by) == (None, village, 1948, officer)
    assert role_of(person) == Role.RESIDENT and not person.has_usable_password()
    consent = ConsentRecord.objects.get(user=person)
    assert consent.purposes == [ConsentPurpose.CONTESTS, ConsentPurpose.LEADERBOARD]
    assert (consent.recorded_by, consent.recorded_by_name) == (officer, officer.full_name)
    assert consent.given_at is not None and person.show_on_leaderboard
    entry = AuditEntry.objects.get(action="user.register_in_person")
    assert (entry.actor, entry.object_id) == (officer, str(person.pk))
    # The officer may now act for them: reset code, a round taken together.
    assert can_act_for(officer, person)


def test_the_resident_sees_whom_they_gave_consent_to(officer_client, officer, village):
    officer_client.post(URL, _form(village, phone="0912 000 111"))
    person = User.objects.get(phone="0912000111")
    client = Client()
    client.force_login(person, backend="accounts.backends.PhoneOrEmailBackend")
    assert officer.full_name in client.get(reverse("accounts:my_data")).content.decode()


def test_nothing_is_saved_without_the_in_person_box_or_the_contest_consent(officer_client, village):
    assert officer_client.post(URL, _form(village, in_person=None)).status_code == 400
    assert officer_client.post(URL, _form(village, consent_contests=None)).status_code == 400
    assert not User.objects.filter(full_name="Đinh Thị Bà Cụ").exists()


def test_an_officer_registers_only_in_their_own_village(officer_client, commune):
    elsewhere = make_unit("Thôn Hai", kind=UnitKind.VILLAGE, parent=commune)
    page = officer_client.get(URL).content.decode()
    assert "Thôn Hai" not in page
    assert officer_client.post(URL, _form(elsewhere)).status_code == 400
    assert not User.objects.filter(full_name="Đinh Thị Bà Cụ").exists()


def test_a_phone_already_registered_is_refused(officer_client, village, resident):
    assert officer_client.post(URL, _form(village, phone=resident.phone)).status_code == 400
    assert not User.objects.filter(full_name="Đinh Thị Bà Cụ").exists()


def test_residents_and_staff_cannot_register_others(resident_client, staff_a_client, village):
    assert resident_client.get(URL).status_code == 404
    assert staff_a_client.post(URL, _form(village)).status_code == 404


def test_the_same_name_and_birth_year_in_the_village_asks_before_registering_again(officer_client, village):
    assert officer_client.post(URL, _form(village)).status_code == 302
    again = officer_client.post(URL, _form(village, full_name="đinh thị bà cụ"))
    assert again.status_code == 400
    assert 'name="same_person_checked"' in again.content.decode()
    assert User.objects.filter(birth_year=1948).count() == 1
    confirmed = officer_client.post(URL, _form(village, full_name="Đinh Thị Bà Cụ", same_person_checked="on"))
    assert confirmed.status_code == 302
    assert User.objects.filter(birth_year=1948).count() == 2


def test_the_duplicate_question_is_not_asked_for_a_first_registration(officer_client, village):
    assert 'name="same_person_checked"' not in officer_client.get(URL).content.decode()
