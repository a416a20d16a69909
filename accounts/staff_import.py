"""Bulk creation of staff accounts from an .xlsx sheet.

The sheet is read and every row checked before anything is written: the result lists every bad
row (by its row number in Excel) and, if there is any, nothing is created. The same functions
serve the organiser's upload page and `manage.py import_staff`; accounts/staff_template.py
writes the sheet to fill in.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts.audit import audit_log
from accounts.models import Unit, User
from accounts.phones import InvalidPhone, normalise_email, normalise_phone
from accounts.roles import Role
from accounts.staff_sheet import (
    COL_EMAIL,
    COL_NAME,
    COL_PHONE,
    COL_POSITION,
    COL_ROLE,
    COL_UNIT,
    ROLE_MANAGER,
    ROLE_STAFF,
    RawRow,
    RowError,
    data_sheet,
    name_key,
    open_workbook,
    read_rows,
)

_ROLE_WORDS = {
    "": Role.STAFF,
    ROLE_STAFF: Role.STAFF,
    "staff": Role.STAFF,
    ROLE_MANAGER: Role.UNIT_MANAGER,
    "quản lý": Role.UNIT_MANAGER,
    "unit manager": Role.UNIT_MANAGER,
}

_NAME_MAX = User._meta.get_field("full_name").max_length
_POSITION_MAX = User._meta.get_field("position").max_length
_BATCH = 500


@dataclass(frozen=True)
class StaffRow:
    row: int
    full_name: str
    phone: str | None
    email: str | None
    unit: Unit
    position: str
    role: Role


@dataclass
class StaffImportResult:
    rows: list[StaffRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def per_unit(self) -> list[tuple[str, int]]:
        """(unit name with its parent, number of accounts), in tree order."""
        counts = Counter(r.unit.pk for r in self.rows)
        units = {r.unit.pk: r.unit for r in self.rows}
        return [(unit_label(units[pk]), counts[pk]) for pk in sorted(counts, key=lambda pk: units[pk].path)]


def unit_label(unit: Unit) -> str:
    return f"{unit.name} / {unit.parent.name}" if unit.parent_id else unit.name


def upload_size_error(size: int) -> str | None:
    limit = settings.UPLOAD_MAX_BYTES
    if size <= limit:
        return None
    return _(
        "The file is %(size)s MB, larger than the %(limit)s MB allowed. Split the list into several files."
    ) % {"size": f"{size / 1024 / 1024:.1f}", "limit": f"{limit / 1024 / 1024:g}"}


# --- Units ---------------------------------------------------------------------------------------

class _UnitIndex:
    """Finds a unit of the subtree by name, "Name / Parent / ..." or code."""

    def __init__(self, root: Unit) -> None:
        self.root = root
        self.units = list(Unit.objects.subtree(root).select_related("parent"))
        ancestor_pks = [int(pk) for pk in root.path.strip("/").split("/") if pk]
        self.names = {u.pk: u.name for u in Unit.objects.filter(pk__in=ancestor_pks).only("pk", "name")}
        self.names.update({u.pk: u.name for u in self.units})
        self.by_name: dict[str, list[Unit]] = {}
        self.by_code: dict[str, list[Unit]] = {}
        for unit in self.units:
            self.by_name.setdefault(name_key(unit.name), []).append(unit)
            if unit.code.strip():
                self.by_code.setdefault(name_key(unit.code), []).append(unit)

    def _ancestor_keys(self, unit: Unit) -> list[str]:
        pks = [int(pk) for pk in unit.path.strip("/").split("/")][:-1]
        return [name_key(self.names.get(pk, "")) for pk in reversed(pks)]

    def find(self, text: str) -> tuple[Unit | None, list[Unit]]:
        """(the unit, []) when found; (None, candidates) when ambiguous; (None, []) when unknown."""
        candidates = self.by_name.get(name_key(text)) or self.by_code.get(name_key(text)) or []
        if not candidates and "/" in text:
            name, *parents = [name_key(part) for part in text.split("/")]
            candidates = [
                u for u in self.by_name.get(name, [])
                if self._ancestor_keys(u)[:len(parents)] == parents
            ]
        if len(candidates) == 1:
            return candidates[0], []
        return None, candidates


# --- Checking and creating -----------------------------------------------------------------------

def _existing(column: str, values: Iterable[str]) -> set[str]:
    """Which of these phones (or lower-cased emails) already belong to an account."""
    values = sorted(set(values))
    users = User.objects.annotate(key=Lower(column))
    found: set[str] = set()
    for start in range(0, len(values), _BATCH):
        found.update(users.filter(key__in=values[start:start + _BATCH]).values_list("key", flat=True))
    return found


def _check_rows(raws: list[RawRow], root: Unit) -> tuple[list[StaffRow], list[RowError]]:
    index = _UnitIndex(root)
    errors: list[RowError] = []
    rows: list[StaffRow] = []
    phone_rows: dict[str, int] = {}
    email_rows: dict[str, int] = {}
    for raw in raws:
        bad = len(errors)
        v = raw.values
        full_name = v.get(COL_NAME, "")
        if not full_name:
            errors.append(RowError(raw.row, _("the full name is missing")))
        elif len(full_name) > _NAME_MAX:
            errors.append(RowError(raw.row, _("the full name is longer than %(max)d characters") % {"max": _NAME_MAX}))

        phone: str | None = None
        raw_phone = v.get(COL_PHONE, "")
        if raw_phone:
            try:
                phone = normalise_phone(raw_phone)
            except InvalidPhone:
                errors.append(RowError(raw.row, _("the phone number %(phone)s is not a Vietnamese mobile number")
                                       % {"phone": raw_phone}))
            else:
                if phone in phone_rows:
                    errors.append(RowError(raw.row, _("the phone number %(phone)s is also on row %(other)d")
                                           % {"phone": phone, "other": phone_rows[phone]}))
                else:
                    phone_rows[phone] = raw.row
        email: str | None = None
        raw_email = v.get(COL_EMAIL, "")
        if raw_email:
            try:
                validate_email(normalise_email(raw_email))
            except ValidationError:
                errors.append(RowError(raw.row, _("the email %(email)s is not a valid address") % {"email": raw_email}))
            else:
                email = normalise_email(raw_email)
                if email in email_rows:
                    errors.append(RowError(raw.row, _("the email %(email)s is also on row %(other)d")
                                           % {"email": email, "other": email_rows[email]}))
                else:
                    email_rows[email] = raw.row
        if not raw_phone and not raw_email:
            errors.append(RowError(raw.row, _("a phone number or an email is required")))

        unit: Unit | None = None
        unit_text = v.get(COL_UNIT, "")
        if not unit_text:
            errors.append(RowError(raw.row, _("the unit is missing")))
        else:
            unit, candidates = index.find(unit_text)
            if unit is None and candidates:
                errors.append(RowError(raw.row, _(
                    "several units are named “%(unit)s” (%(choices)s); write “Unit name / Parent unit name” "
                    "or the unit's code"
                ) % {"unit": unit_text, "choices": "; ".join(unit_label(u) for u in candidates)}))
            elif unit is None:
                errors.append(RowError(raw.row, _("there is no unit “%(unit)s” in %(root)s")
                                       % {"unit": unit_text, "root": root.name}))

        position = v.get(COL_POSITION, "")
        if len(position) > _POSITION_MAX:
            errors.append(RowError(raw.row, _("the position is longer than %(max)d characters")
                                   % {"max": _POSITION_MAX}))
        role_text = v.get(COL_ROLE, "")
        role = _ROLE_WORDS.get(role_text.casefold())
        if role is None:
            errors.append(RowError(raw.row, _("the role “%(role)s” is not known; write “%(staff)s” or “%(manager)s”")
                                   % {"role": role_text, "staff": ROLE_STAFF, "manager": ROLE_MANAGER}))
        if len(errors) == bad and unit is not None and role is not None:
            rows.append(StaffRow(raw.row, full_name, phone, email, unit, position, role))

    taken_phones = _existing("phone", phone_rows)
    for phone in sorted(taken_phones, key=phone_rows.__getitem__):
        errors.append(RowError(phone_rows[phone], _("the phone number %(phone)s already belongs to an account")
                               % {"phone": phone}))
    taken_emails = _existing("email", email_rows)
    for email in sorted(taken_emails, key=email_rows.__getitem__):
        errors.append(RowError(email_rows[email], _("the email %(email)s already belongs to an account")
                               % {"email": email}))
    errors.sort(key=lambda e: (e.row or 0))
    return rows, errors


def staff_sheet_check(*, file: IO[bytes], file_name: str, root: Unit) -> StaffImportResult:
    """Read and check the whole sheet; create nothing."""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(0)
    too_big = upload_size_error(size)
    if too_big:
        return StaffImportResult(errors=[RowError(None, too_big)])
    wb, error = open_workbook(file, file_name)
    if error:
        return StaffImportResult(errors=[error])
    try:
        raws, errors = read_rows(data_sheet(wb))
    finally:
        wb.close()
    if errors:
        return StaffImportResult(errors=errors)
    rows, errors = _check_rows(raws, root)
    if errors:
        return StaffImportResult(errors=errors)
    return StaffImportResult(rows=rows)


def staff_import(*, file: IO[bytes], file_name: str, root: Unit, password: str, actor: User | None,
                 dry_run: bool = False) -> StaffImportResult:
    """Create one staff account per row, all or none. `password` must already be validated."""
    result = staff_sheet_check(file=file, file_name=file_name, root=root)
    result.dry_run = dry_run
    if not result.ok or dry_run:
        return result
    try:
        with transaction.atomic():
            _create(result.rows, password)
            result.created = len(result.rows)
            audit_log(
                actor=actor, action="staff.import", obj=root,
                summary=f"{result.created} staff accounts from {file_name}",
                data={"count": result.created, "file": file_name,
                      "units": dict(result.per_unit())},
            )
    except IntegrityError:
        # Someone registered one of these phones or emails between the check and the insert.
        return StaffImportResult(errors=[RowError(None, _(
            "Some of these phone numbers or emails were registered while the file was being imported. "
            "Nothing was created; import the file again to see which rows."
        ))])
    return result


def _create(rows: list[StaffRow], password: str) -> None:
    # Everyone gets the same initial password, which the organiser hands out and which each person
    # must change at first login: hash it once, not once per row (PBKDF2 is slow on purpose).
    hashed = make_password(password)
    users = [
        User(full_name=r.full_name, phone=r.phone, email=r.email, unit=r.unit, position=r.position,
             password=hashed, must_change_password=True)
        for r in rows
    ]
    User.objects.bulk_create(users, batch_size=_BATCH)
    if any(u.pk is None for u in users):  # backends that do not return primary keys
        by_phone = dict(User.objects.filter(phone__in=[u.phone for u in users if u.phone]).values_list("phone", "pk"))
        by_email = dict(User.objects.filter(email__in=[u.email for u in users if u.email]).values_list("email", "pk"))
        for u in users:
            u.pk = by_phone.get(u.phone) if u.phone else by_email[u.email]
    groups = {role: Group.objects.get_or_create(name=role.value)[0].pk for role in (Role.STAFF, Role.UNIT_MANAGER)}
    Membership = User.groups.through
    memberships = [Membership(user_id=u.pk, group_id=groups[Role.STAFF]) for u in users]
    memberships += [
        Membership(user_id=u.pk, group_id=groups[Role.UNIT_MANAGER])
        for u, r in zip(users, rows, strict=True) if r.role == Role.UNIT_MANAGER
    ]
    Membership.objects.bulk_create(memberships, batch_size=_BATCH)
