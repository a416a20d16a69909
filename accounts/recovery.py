"""Recovery without email: a one-time reset code, issued in person.

Many residents have no email, so Django's reset link cannot reach them. An organiser or the
person's village officer checks who the person is (name, date of birth, ID card), then issues a
code here; the person types their phone, the code and a new password on the public page
(`accounts:reset_code_redeem`) and is signed in. The rules:
- 8 random digits, valid RESET_CODE_VALID (15 minutes), once; issuing a new code voids the
  person's earlier unused ones, so at most one works at a time.
- Only a keyed hash is stored (HMAC with SECRET_KEY): the database alone does not give the
  codes away, and checking one costs microseconds, not a password hash's 100 ms.
- Wrong codes are limited per account and per address through accounts.ratelimit: every try
  counts, so a few tries per account per window against 10^8 codes make guessing hopeless.
- Each issue and each use goes to the audit log (`password.reset_code_issue`,
  `password.reset_code_use`).
- With an SMS backend configured (accounts/sms.py) the code can go by text message to the
  account's phone; otherwise the officer's page shows it, once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import ratelimit, sms
from accounts.audit import audit_log
from accounts.errors import DomainError
from accounts.models import PasswordResetCode, User
from accounts.phones import InvalidPhone, normalise_phone
from accounts.roles import can_act_for

RESET_CODE_DIGITS = 8
RESET_CODE_VALID = timedelta(minutes=15)
# Tries (right or wrong) are limited per account and per network address by RATE_LIMITS
# ("reset-code-account", "reset-code-address"): the address limit is sized for a village hall or
# a mobile carrier's shared address; the account limit does the real work.


class IdentityNotChecked(DomainError):
    code = "identity_not_checked"
    default_message = _("Check the person's identity (full name, date of birth, ID card) and tick the box first.")


class NotYours(DomainError):
    code = "not_found"
    status = 404
    default_message = _("This person is not one you may act for.")


class NoPhone(DomainError):
    code = "no_phone"
    status = 409
    default_message = _("This account has no phone number, and a code is used with the phone number. The person "
                        "takes part with you (assisted mode) until the commune adds a phone to the account.")


class ResetCodeRefused(DomainError):
    code = "reset_code_invalid"
    default_message = _(
        "The phone number or the code is not right, or the code has expired or was already used. "
        "Check them, or ask your village officer or the commune for a new code."
    )


class ResetCodeLimited(DomainError):
    code = "reset_code_limited"
    status = 429
    default_message = _(
        "Too many codes were tried for this account or from this network. Wait 15 minutes and try "
        "again, or ask your village officer or the commune for a new code."
    )


@dataclass(frozen=True)
class IssuedCode:
    record: PasswordResetCode
    # The code in clear, for the officer's page to show once (never stored).
    code: str
    sent_by_sms: bool


def _digest(user_pk: int, code: str) -> str:
    return salted_hmac("accounts.recovery.reset_code", f"{user_pk}:{code}", algorithm="sha256").hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(10**RESET_CODE_DIGITS):0{RESET_CODE_DIGITS}d}"


def reset_code_issue(*, person: User, issued_by: User, identity_checked: bool, send_sms: bool = False,
                     now: datetime | None = None) -> IssuedCode:
    """Issue a new one-time code for `person`, voiding their earlier unused codes. Raises
    IdentityNotChecked without the identity check, NotYours unless `issued_by` may act for the
    person (accounts.roles.can_act_for), and NoPhone for an account without a phone (the code
    is redeemed with the phone number)."""
    now = now or timezone.now()
    if not identity_checked:
        raise IdentityNotChecked()
    if not can_act_for(issued_by, person):
        raise NotYours()
    if not person.phone:
        raise NoPhone()
    code = _new_code()
    expires_at = now + RESET_CODE_VALID
    sent = False
    if send_sms and person.phone and sms.sms_available():
        # Sent before anything is written, outside the transaction: a slow provider never holds
        # the database's write lock. If it fails the page shows the code instead.
        text = gettext("Your code to choose a new password: %(code)s. Valid until %(time)s. "
                       "Never give it to anyone.") % {
            "code": code, "time": timezone.localtime(expires_at).strftime("%H:%M %d/%m/%Y")}
        try:
            sms.sms_send(phone=person.phone, text=text)
            sent = True
        except sms.SmsError:
            sent = False
    with transaction.atomic():
        person.reset_codes.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        record = PasswordResetCode.objects.create(
            user=person, code_hash=_digest(person.pk, code), issued_by=issued_by, issued_at=now,
            expires_at=expires_at, sent_by_sms=sent,
        )
        audit_log(actor=issued_by, action="password.reset_code_issue", obj=person,
                  summary="Reset code issued after an identity check",
                  data={"code_id": record.pk, "expires_at": expires_at.isoformat(), "identity_checked": True,
                        "sent_by_sms": sent})
    return IssuedCode(record=record, code=code, sent_by_sms=sent)


def reset_code_redeem(*, phone: str, code: str, password: str, client_ip: str,
                      now: datetime | None = None) -> User:
    """Set `password` for the account of `phone` if `code` is its current code, and use the code
    up. The caller validated the password. Raises ResetCodeLimited past the limits (counted
    before anything is checked, so a right code does not get through a limit either) and
    ResetCodeRefused for anything wrong, without saying what (no probing of phone numbers)."""
    now = now or timezone.now()
    try:
        phone = normalise_phone(phone)
    except InvalidPhone:
        raise ResetCodeRefused() from None
    per_account = ratelimit.limit_hit("reset-code-account", phone)
    per_address = ratelimit.limit_hit("reset-code-address", client_ip)
    if not (per_account and per_address):
        raise ResetCodeLimited()
    code = "".join(str(code).split())
    with transaction.atomic():
        user = User.objects.active().filter(phone=phone).first()
        current = None
        if user is not None:
            current = (PasswordResetCode.objects.select_for_update()
                       .filter(user=user, used_at__isnull=True, expires_at__gt=now).order_by("-issued_at").first())
        if current is None or not constant_time_compare(current.code_hash, _digest(user.pk, code)):
            raise ResetCodeRefused()
        current.used_at = now
        current.save(update_fields=["used_at"])
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit_log(actor=user, action="password.reset_code_use", obj=user,
                  summary="Password set with a reset code",
                  data={"code_id": current.pk, "issued_by": current.issued_by_id})
    return user
