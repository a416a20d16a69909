"""The unit manager's member table: which people, which columns, what each viewer may see.

Accounts' own columns are written here; the apps above add theirs (module progress, contest
participation) without touching the view or the template, by answering
accounts.signals.member_columns with a list of MemberColumn:

    MemberColumn(key="modules_done", label=_("Modules done"), numeric=True,
                 annotate=lambda qs: qs.annotate(modules_done=Count("certificates")),
                 value=lambda member, viewer: member.modules_done)

`annotate` keeps the page at a fixed number of queries however many rows it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import Unit, User
from accounts.phones import looks_like_phone, normalise_phone
from accounts.privacy import mask_phone
from accounts.signals import member_columns as member_columns_signal


@dataclass(frozen=True)
class Viewer:
    user: User
    sees_full_phones: bool

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(user=user, sees_full_phones=roles.is_organiser(user))


@dataclass(frozen=True)
class MemberColumn:
    key: str
    label: str | Promise
    value: Callable[[User, Viewer], Any]
    annotate: Callable[[QuerySet], QuerySet] | None = None
    numeric: bool = False


@dataclass(frozen=True)
class MemberRow:
    member: User
    cells: list[tuple[MemberColumn, Any]]


def phone_as_seen_by(member: User, viewer: Viewer) -> str:
    """Only the owner and organisers see a phone in full; unit managers see it masked."""
    if viewer.sees_full_phones or member.pk == viewer.user.pk:
        return member.phone or ""
    return mask_phone(member.phone)


def _role_label(member: User, viewer: Viewer) -> str:
    names = {group.name for group in member.groups.all()}  # prefetched
    for role in (roles.Role.ORGANISER, roles.Role.UNIT_MANAGER, roles.Role.STAFF, roles.Role.RESIDENT):
        if role.value in names:
            return str(role.label)
    return ""


ACCOUNT_COLUMNS = [
    MemberColumn("full_name", _("Full name"), lambda m, v: m.full_name),
    MemberColumn("unit", _("Unit"), lambda m, v: m.unit.name if m.unit_id else ""),
    MemberColumn("position", _("Position"), lambda m, v: m.position),
    MemberColumn("role", _("Role"), _role_label),
    MemberColumn("phone", _("Phone number"), phone_as_seen_by),
]


def member_columns() -> list[MemberColumn]:
    """Accounts' columns, then those the other apps' receivers give, in the order connected."""
    columns = list(ACCOUNT_COLUMNS)
    for receiver, extra in member_columns_signal.send(sender=User):
        for column in extra or []:
            if any(existing.key == column.key for existing in columns):
                raise ValueError(f"Two member columns are named {column.key!r} ({receiver!r}).")
            columns.append(column)
    return columns


def unit_members(*, unit: Unit, columns: list[MemberColumn] | None = None) -> QuerySet[User]:
    """Active members of the unit and of every unit below it, in tree order, with what the
    `columns` (by default every member column) need annotated."""
    members = (
        User.objects.active().in_subtree(unit)
        .select_related("unit").prefetch_related("groups")
        .order_by("unit__path", "full_name", "pk")
    )
    for column in member_columns() if columns is None else columns:
        if column.annotate is not None:
            members = column.annotate(members)
    return members


def member_rows(members: Any, *, viewer: Viewer, columns: list[MemberColumn] | None = None) -> list[MemberRow]:
    columns = member_columns() if columns is None else columns
    return [MemberRow(member, [(column, column.value(member, viewer)) for column in columns]) for member in members]


def people_search(user: User, query: str):
    """The people `user` may act for matching a name or a phone, newest accounts first (a
    resident registered a moment ago is at the top)."""
    people = roles.people_assisted_by(user).select_related("unit")
    query = " ".join(query.split())
    if query:
        if looks_like_phone(query):
            people = people.filter(phone=normalise_phone(query))
        else:
            people = people.filter(Q(full_name__icontains=query) | Q(phone__contains=query))
    return people.order_by("-date_joined", "-pk")
