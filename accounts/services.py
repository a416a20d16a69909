"""Workflows across several models: registering a resident, changing consent, anonymising."""

from __future__ import annotations

from collections.abc import Iterable

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token

from accounts.audit import audit_log
from accounts.consent import CONSENT_TEXT_VERSION, OPTIONAL_PURPOSES, REQUIRED_PURPOSES
from accounts.models import ConsentPurpose, ConsentRecord, Unit, User
from accounts.roles import Role, assign_role, assisted_root


class ConsentMissing(ValueError):
    """A required purpose was not agreed to."""


def _ordered(purposes: Iterable[str]) -> list[str]:
    chosen = set(purposes)
    return [p for p in ConsentPurpose.values if p in chosen]


def consent_record(*, user: User, purposes: Iterable[str], recorded_by: User | None = None) -> ConsentRecord:
    """Store what the person agreed to now and mirror the optional purposes on the user.
    `recorded_by`: the officer the person gave it to in person (assisted mode)."""
    ordered = _ordered(purposes)
    user.show_on_leaderboard = ConsentPurpose.LEADERBOARD in ordered
    user.receive_notifications = ConsentPurpose.NOTIFICATIONS in ordered
    user.save(update_fields=["show_on_leaderboard", "receive_notifications"])
    return ConsentRecord.objects.create(
        user=user, purposes=ordered, text_version=CONSENT_TEXT_VERSION, recorded_by=recorded_by,
        recorded_by_name=recorded_by.full_name if recorded_by is not None else "",
    )


@transaction.atomic
def resident_register(*, full_name: str, birth_year: int, phone: str, village: Unit, password: str,
                      purposes: Iterable[str], email: str | None = None) -> User:
    """Create a resident of `village` with the consent given on the form.

    `phone` must already be normalised. Raises ConsentMissing without a required purpose, and
    IntegrityError if the phone or email was taken in the meantime (nothing is kept then).
    """
    purposes = set(purposes)
    if not purposes >= REQUIRED_PURPOSES:
        raise ConsentMissing(sorted(REQUIRED_PURPOSES - purposes))
    user = User.objects.create_user(
        phone, password, full_name=full_name, birth_year=birth_year, unit=village, email=email or None,
    )
    assign_role(user, Role.RESIDENT)
    consent_record(user=user, purposes=purposes)
    return user


@transaction.atomic
def resident_register_in_person(*, officer: User, full_name: str, birth_year: int, phone: str | None,
                                village: Unit, purposes: Iterable[str]) -> User:
    """Assisted mode: `officer` registers a resident of `village` in person, the statement read
    to them, their consent recorded as given to the officer (accounts/consent.py). No password:
    the resident takes part on the officer's device, and a reset code from the officer gives them
    one when they want to log in on their own phone. `phone` (normalised) may be None.
    Raises ConsentMissing, PermissionError if the officer may not act in that village, and
    IntegrityError if the phone was taken in the meantime."""
    purposes = set(purposes)
    if not purposes >= REQUIRED_PURPOSES:
        raise ConsentMissing(sorted(REQUIRED_PURPOSES - purposes))
    root = assisted_root(officer)
    if root is None or not root.contains(village):
        raise PermissionError("this officer does not act in that village")
    user = User.objects.create_user(
        phone or None, None, full_name=full_name, birth_year=birth_year, unit=village, registered_by=officer,
    )
    assign_role(user, Role.RESIDENT)
    consent = consent_record(user=user, purposes=purposes, recorded_by=officer)
    audit_log(actor=officer, action="user.register_in_person", obj=user,
              summary="Resident registered in person",
              data={"village": village.pk, "consent": consent.pk, "purposes": consent.purposes,
                    "has_phone": bool(phone)})
    return user


@transaction.atomic
def consent_change(*, user: User, optional: Iterable[str]) -> ConsentRecord | None:
    """Replace the optional purposes; the required ones stand as last agreed (withdrawing them
    means deleting the account). Returns None when nothing changed."""
    chosen = {p for p in optional if p in OPTIONAL_PURPOSES}
    latest = user.consents.order_by("-given_at", "-pk").first()
    kept = set(latest.purposes) & REQUIRED_PURPOSES if latest else set()
    if latest is not None and set(latest.purposes) == kept | chosen:
        return None
    return consent_record(user=user, purposes=kept | chosen)


@transaction.atomic
def user_anonymise(*, user: User, by_retention: bool = False) -> User:
    """Erase what identifies the person but keep the row, so results already counted in unit
    and contest aggregates stay true. Consent records stay as proof of what was agreed, now
    attached to an anonymous row. `by_retention`: done by the retention task (no actor), not at
    the owner's request."""
    logins = [value for value in (user.phone, user.email) if value]
    # Stored in the site language whatever the person browsed in: the row is read by everyone.
    with translation.override(settings.LANGUAGE_CODE):
        user.full_name = gettext("Deleted user")
    user.phone = None
    user.email = None
    user.birth_year = None
    user.position = ""
    user.show_on_leaderboard = False
    user.receive_notifications = False
    user.is_active = False
    user.anonymised_at = timezone.now()
    user.set_unusable_password()  # also invalidates the person's sessions on other devices
    user.save()
    # Login records name the person by the phone or email typed; an API token would still open the account.
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__in=logins).delete()
    Token.objects.filter(user=user).delete()
    # The person's own words in their data requests may name them (a new phone, an address); the
    # kind, the dates and the reply stay as the record that each request was answered.
    user.data_requests.filter(self_service=False).exclude(details="").update(details="")
    if by_retention:
        audit_log(actor=None, action="user.anonymise", obj=user,
                  summary="Account anonymised by the retention period of contest data")
    else:
        audit_log(actor=user, action="user.anonymise", obj=user, summary="Account anonymised at the owner's request")
    return user
