"""Recovery without email: an organiser or the person's village officer checks the person's
identity and issues a one-time code (8 digits, stored hashed, single use, 15 minutes, audited);
the person types phone + code + new password on a public page and is logged in. Wrong codes are
limited per account and per address. The code can go by text message through SMS_BACKEND."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts import recovery
from accounts.forms_assist import ResetCodeIssueForm
from accounts.models import AuditEntry, PasswordResetCode, UnitKind
from accounts.roles import Role
from accounts.sms import BaseSmsBackend, SmsError
from tests.assist_helpers import make_officer
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mat-khau-moi-2026"


@pytest.fixture(autouse=True)
def _no_sms(settings):
    settings.SMS_BACKEND = ""


@pytest.fixture
def officer(village):
    return make_officer(village)


@pytest.fixture
def officer_client(officer):
    client = Client()
    client.force_login(officer, backend="accounts.backends.PhoneOrEmailBackend")
    return client


def _issue_url(person) -> str:
    return reverse("accounts:reset_code_issue", args=[person.pk])


def _issue(person, by, **kwargs) -> recovery.IssuedCode:
    return recovery.reset_code_issue(person=person, issued_by=by, identity_checked=True, **kwargs)


def _redeem(client: Client, phone: str, code: str, password: str = NEW_PASSWORD):
    return client.post(reverse("accounts:reset_code_redeem"), {
        "phone": phone, "code": code, "new_password1": password, "new_password2": password,
    })


# --- Issuing ------------------------------------------------------------------------------------


def test_the_page_says_what_to_check_and_refuses_without_the_identity_box(officer_client, resident):
    page = officer_client.get(_issue_url(resident))
    assert page.status_code == 200
    text = page.content.decode()
    assert escape(_("The person shows their ID card (CCCD): the photo is the person in front of you.")) in text
    assert resident.full_name in text
    refused = officer_client.post(_issue_url(resident), {})
    assert refused.status_code == 400
    required = ResetCodeIssueForm.base_fields["identity_checked"].error_messages["required"]
    assert escape(str(required)) in refused.content.decode()
    assert not PasswordResetCode.objects.exists()


def test_an_officer_issues_a_code_shown_once_stored_hashed_and_audited(officer_client, officer, resident):
    response = officer_client.post(_issue_url(resident), {"identity_checked": "on"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    shown = re.search(r'class="reset-code"[^>]*>(\d{4}) (\d{4})<', response.content.decode())
    assert shown, "the code is on the page"
    code = shown.group(1) + shown.group(2)
    record = PasswordResetCode.objects.get(user=resident)
    assert code not in record.code_hash and len(record.code_hash) == 64
    assert record.issued_by == officer and record.expires_at - record.issued_at == timedelta(minutes=15)
    entry = AuditEntry.objects.get(action="password.reset_code_issue")
    assert (entry.actor, entry.object_id) == (officer, str(resident.pk))
    assert entry.data["identity_checked"] is True and code not in str(entry.data)


def test_an_officer_cannot_issue_a_code_for_another_villages_resident(officer_client, commune):
    elsewhere = make_unit("Thôn Hai", kind=UnitKind.VILLAGE, parent=commune)
    stranger = make_user(role=Role.RESIDENT, unit=elsewhere, full_name="Người Thôn Khác")
    assert officer_client.get(_issue_url(stranger)).status_code == 404
    assert officer_client.post(_issue_url(stranger), {"identity_checked": "on"}).status_code == 404
    assert not PasswordResetCode.objects.exists()


def test_residents_and_staff_have_no_such_page(resident_client, staff_a_client, resident, staff_a):
    assert resident_client.get(_issue_url(staff_a)).status_code == 404
    assert staff_a_client.get(_issue_url(resident)).status_code == 404
    assert staff_a_client.get(reverse("accounts:assist_people")).status_code == 404


def test_an_organiser_issues_codes_for_residents_and_staff(organiser_client, resident, staff_a):
    for person in (resident, staff_a):
        assert organiser_client.post(_issue_url(person), {"identity_checked": "on"}).status_code == 200
    assert PasswordResetCode.objects.count() == 2


def test_the_officers_list_shows_only_their_own_residents(officer_client, resident, commune):
    elsewhere = make_unit("Thôn Hai", kind=UnitKind.VILLAGE, parent=commune)
    make_user(role=Role.RESIDENT, unit=elsewhere, full_name="Người Thôn Khác")
    page = officer_client.get(reverse("accounts:assist_people")).content.decode()
    assert resident.full_name in page and "Người Thôn Khác" not in page
    assert _issue_url(resident) in page


# --- Using the code -----------------------------------------------------------------------------


def test_the_person_sets_a_new_password_with_the_code_and_is_logged_in(officer, resident):
    issued = _issue(resident, officer)
    client = Client()
    response = _redeem(client, "0" + resident.phone[1:4] + " " + resident.phone[4:], issued.code)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(resident.pk)
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="password.reset_code_use")
    assert (entry.actor, entry.data["issued_by"]) == (resident, officer.pk)


def test_a_code_works_once(officer, resident):
    issued = _issue(resident, officer)
    assert _redeem(Client(), resident.phone, issued.code).status_code == 302
    second = _redeem(Client(), resident.phone, issued.code, password="Mat-khau-khac-2026")
    assert second.status_code == 400
    assert escape(str(recovery.ResetCodeRefused.default_message)) in second.content.decode()
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="password.reset_code_use").count() == 1


def test_a_code_works_until_15_minutes_and_not_at_15_minutes(officer, resident):
    issued_at = timezone.now().replace(microsecond=0)
    code = _issue(resident, officer, now=issued_at).code
    with pytest.raises(recovery.ResetCodeRefused):
        recovery.reset_code_redeem(phone=resident.phone, code=code, password=NEW_PASSWORD, client_ip="10.0.0.1",
                                   now=issued_at + timedelta(minutes=15))
    code = _issue(resident, officer, now=issued_at).code
    user = recovery.reset_code_redeem(phone=resident.phone, code=code, password=NEW_PASSWORD, client_ip="10.0.0.1",
                                      now=issued_at + timedelta(minutes=15) - timedelta(seconds=1))
    assert user == resident and user.check_password(NEW_PASSWORD)


def test_a_new_code_voids_the_earlier_one(officer, resident):
    first = _issue(resident, officer)
    second = _issue(resident, officer)
    assert _redeem(Client(), resident.phone, first.code).status_code == 400
    assert _redeem(Client(), resident.phone, second.code).status_code == 302


def test_another_persons_code_does_not_open_this_account(officer, resident, village):
    neighbour = make_user(role=Role.RESIDENT, unit=village, full_name="Hàng Xóm")
    theirs = _issue(neighbour, officer)
    _issue(resident, officer)
    assert _redeem(Client(), resident.phone, theirs.code).status_code == 400


def test_wrong_codes_are_limited_per_account_and_then_even_the_right_one_waits(officer, resident):
    issued = _issue(resident, officer)
    wrong = f"{(int(issued.code) + 1) % 10**8:08d}"
    for _try in range(settings.RATE_LIMITS["reset-code-account"][0]):
        assert _redeem(Client(), resident.phone, wrong).status_code == 400
    limited = _redeem(Client(), resident.phone, issued.code)
    assert limited.status_code == 429
    assert escape(str(recovery.ResetCodeLimited.default_message)) in limited.content.decode()
    resident.refresh_from_db()
    assert not resident.check_password(NEW_PASSWORD)
    assert PasswordResetCode.objects.get(user=resident).used_at is None


def test_wrong_codes_are_limited_per_address_across_accounts(officer, resident, village):
    others = [make_user(role=Role.RESIDENT, unit=village, full_name=f"Người {n}") for n in range(25)]
    tries = 0
    while tries < settings.RATE_LIMITS["reset-code-address"][0]:
        person = others[tries % len(others)]
        with pytest.raises(recovery.ResetCodeRefused):
            recovery.reset_code_redeem(phone=person.phone, code="00000000", password=NEW_PASSWORD, client_ip="10.9.9.9")
        tries += 1
    code = _issue(resident, officer).code
    with pytest.raises(recovery.ResetCodeLimited):
        recovery.reset_code_redeem(phone=resident.phone, code=code, password=NEW_PASSWORD, client_ip="10.9.9.9")
    # Another address is not held back by this one.
    assert recovery.reset_code_redeem(phone=resident.phone, code=code, password=NEW_PASSWORD, client_ip="10.1.1.1")


def test_the_public_page_checks_its_fields_and_saves_nothing_on_bad_input(officer, resident):
    issued = _issue(resident, officer)
    response = Client().post(reverse("accounts:reset_code_redeem"), {
        "phone": resident.phone, "code": "12ab", "new_password1": NEW_PASSWORD, "new_password2": "khac",
    })
    assert response.status_code == 400
    text = response.content.decode()
    assert escape(_("The code is 8 digits, for example 0123 4567.")) in text
    assert escape(_("The two passwords are not the same.")) in text
    assert PasswordResetCode.objects.get(pk=issued.record.pk).used_at is None


def test_an_unknown_phone_is_refused_like_a_wrong_code():
    response = _redeem(Client(), "0999999999", "12345678")
    assert response.status_code == 400
    assert escape(str(recovery.ResetCodeRefused.default_message)) in response.content.decode()


# --- Text messages --------------------------------------------------------------------------------


def test_with_the_console_backend_the_code_goes_by_text_message_and_is_not_shown(
        settings, capsys, officer_client, resident):
    settings.SMS_BACKEND = "accounts.sms.ConsoleSmsBackend"
    response = officer_client.post(_issue_url(resident), {"identity_checked": "on", "send_sms": "on"})
    out = capsys.readouterr().out
    sent = re.search(rf"SMS to {resident.phone}: .*?(\d{{8}})", out)
    assert sent, out
    assert 'class="reset-code"' not in response.content.decode()
    assert PasswordResetCode.objects.get(user=resident).sent_by_sms
    assert AuditEntry.objects.get(action="password.reset_code_issue").data["sent_by_sms"] is True
    assert _redeem(Client(), resident.phone, sent.group(1)).status_code == 302


class FailingSmsBackend(BaseSmsBackend):
    def send_message(self, *, phone: str, text: str) -> None:
        raise SmsError("provider unreachable")


def test_when_the_provider_fails_the_page_shows_the_code_instead(settings, officer_client, resident):
    settings.SMS_BACKEND = f"{__name__}.FailingSmsBackend"
    response = officer_client.post(_issue_url(resident), {"identity_checked": "on", "send_sms": "on"})
    assert re.search(r'class="reset-code"[^>]*>\d{4} \d{4}<', response.content.decode())
    assert not PasswordResetCode.objects.get(user=resident).sent_by_sms


def test_without_an_sms_backend_the_page_offers_no_text_message(officer_client, resident):
    page = officer_client.get(_issue_url(resident)).content.decode()
    assert 'name="send_sms"' not in page


def test_an_account_without_a_phone_gets_no_code(officer_client, officer, village):
    from accounts.services import resident_register_in_person

    person = resident_register_in_person(officer=officer, full_name="Không Điện Thoại", birth_year=1950, phone=None,
                                         village=village, purposes={"contests"})
    response = officer_client.post(_issue_url(person), {"identity_checked": "on"})
    assert response.status_code == 409
    assert escape(str(recovery.NoPhone.default_message)) in response.content.decode()
    with pytest.raises(recovery.NoPhone):
        _issue(person, officer)
    assert not PasswordResetCode.objects.exists()
