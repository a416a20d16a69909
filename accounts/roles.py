"""Roles are groups with permissions. This is the one place that says who may do what across
units; views call these helpers instead of checking groups themselves."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet, TextChoices
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit, User


class Role(TextChoices):
    RESIDENT = "resident", _("Resident")
    STAFF = "staff", _("Staff member")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    ORGANISER = "organiser", _("Organiser")


# Civil servants: every role but resident. Staff quizzes and modules, contests' staff pools and
# prizes, and the reports' staff / residents filter all mean this set.
STAFF_ROLES = frozenset({Role.STAFF, Role.UNIT_MANAGER, Role.ORGANISER})

# "app_label.codename"; a permission whose app is not installed (or not migrated) yet is skipped.
# The one place where roles get permissions, the other apps' included: organisers author modules,
# contests and rounds in the admin.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.RESIDENT: [],
    Role.STAFF: [],
    Role.UNIT_MANAGER: ["accounts.view_unit_members"],
    Role.ORGANISER: [
        "accounts.organise",
        "accounts.view_unit_members",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "accounts.add_unit",
        "accounts.change_unit",
        "accounts.view_unit",
        "accounts.view_auditentry",
        "training.add_module", "training.change_module", "training.view_module", "training.delete_module",
        "training.add_lesson", "training.change_lesson", "training.view_lesson", "training.delete_lesson",
        "training.view_assignment", "training.delete_assignment",
        "training.view_certificate", "training.change_certificate",
        "contests.add_contest", "contests.change_contest", "contests.view_contest",
        "contests.add_round", "contests.change_round", "contests.view_round",
        "contests.view_standing", "contests.view_prize",
    ],
}


def ensure_roles(**_kwargs) -> None:
    """Create the role groups and give them their permissions. Idempotent (runs after migrate)."""
    for role, perm_names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        perms = []
        for name in perm_names:
            app_label, codename = name.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.add(*perms)


def assign_role(user: User, role: Role | str) -> None:
    user.groups.add(Group.objects.get(name=Role(role).value))


def role_of(user: User) -> Role | None:
    """The highest role a user holds, for display."""
    if not user.is_authenticated:
        return None
    if is_organiser(user):
        return Role.ORGANISER
    names = {g.name for g in user.groups.all()}
    for role in (Role.UNIT_MANAGER, Role.STAFF, Role.RESIDENT):
        if role.value in names:
            return role
    return None


def without_staff(users: QuerySet[User]) -> QuerySet[User]:
    """Those of `users` who hold no civil servant's role and no admin access: residents, whose
    account exists for contests only (contests/retention.py)."""
    return (users.exclude(groups__name__in=[role.value for role in STAFF_ROLES])
            .exclude(is_staff=True).exclude(is_superuser=True))


def is_staff_member(user) -> bool:
    return role_of(user) in STAFF_ROLES


def is_organiser(user) -> bool:
    return user.is_authenticated and user.has_perm("accounts.organise")


def is_unit_manager(user) -> bool:
    return user.is_authenticated and user.has_perm("accounts.view_unit_members")


def managed_root(user) -> Unit | None:
    """The top of the subtree whose members this user may see: everything for an organiser,
    their own unit for a unit manager, nothing for anyone else."""
    if is_organiser(user):
        return Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if is_unit_manager(user) and user.unit_id:
        return user.unit
    return None


def can_see_unit(user, unit: Unit) -> bool:
    if is_organiser(user):
        return True
    return is_unit_manager(user) and user.unit_id is not None and user.unit.contains(unit)
