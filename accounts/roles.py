"""Roles are groups with permissions. This is the one place that says who may do what across
units; views call these helpers instead of checking groups themselves."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet, TextChoices
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit, UnitKind, User


class Role(TextChoices):
    RESIDENT = "resident", _("Resident")
    STAFF = "staff", _("Staff member")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    ORGANISER = "organiser", _("Organiser")
    # Cán bộ thôn (trưởng thôn): not a civil servant, so not in STAFF_ROLES. Acts for the residents
    # of their own village: registers them, issues password reset codes, takes a contest with them.
    VILLAGE_OFFICER = "village_officer", _("Village officer")


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
    Role.VILLAGE_OFFICER: ["accounts.assist_residents"],
    Role.ORGANISER: [
        "accounts.organise",
        "accounts.assist_residents",
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
    for role in (Role.UNIT_MANAGER, Role.STAFF, Role.VILLAGE_OFFICER, Role.RESIDENT):
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
    their own unit for a unit manager, nothing for anyone else. Worked out once per user object
    (one request), like `default_unit`."""
    if "_managed_root" not in getattr(user, "__dict__", {}):
        user.__dict__["_managed_root"] = _managed_root(user)
    return user.__dict__["_managed_root"]


def _managed_root(user) -> Unit | None:
    if is_organiser(user):
        return Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if is_unit_manager(user) and user.unit_id:
        return user.unit
    return None


def default_unit(user) -> Unit | None:
    """The unit every organiser page, report and export opens on: the person's own commune (the
    commune-level unit at or above their unit), not the whole province; a unit manager's own unit.
    The pages' unit filter widens it up to `managed_root`. None for anyone who manages nothing."""
    # Asked several times in one request (the filter, the view, the export): worked out once per
    # user object, which lives as long as the request.
    if "_default_unit" not in getattr(user, "__dict__", {}):
        user.__dict__["_default_unit"] = _default_unit(user)
    return user.__dict__["_default_unit"]


def _default_unit(user) -> Unit | None:
    root = managed_root(user)
    if root is None:
        return None
    if not is_organiser(user) or not user.unit_id:
        return root
    paths = [path for path in _ancestor_paths(user.unit.path) if path.startswith(root.path)]
    commune = Unit.objects.filter(path__in=paths, kind=UnitKind.COMMUNE).order_by("-path").first()
    return commune or root


def with_default_unit(query, user, field: str = "unit"):
    """A page's GET filters with the unit filled in with `default_unit` when the person chose
    none, so every organiser page opens on their commune. An empty choice ("All my units") is
    kept: it widens to the whole of `managed_root`. Returns a mutable copy of `query`."""
    data = query.copy()
    if field not in data:
        default = default_unit(user)
        if default is not None:
            data[field] = str(default.pk)
    return data


def _ancestor_paths(path: str) -> list[str]:
    parts = [part for part in path.split("/") if part]
    return ["".join(f"{part}/" for part in parts[: n + 1]) for n in range(len(parts))]


def can_see_unit(user, unit: Unit) -> bool:
    if is_organiser(user):
        return True
    return is_unit_manager(user) and user.unit_id is not None and user.unit.contains(unit)


# --- Acting for a person (village officers, organisers) ---------------------------------------


def may_assist(user) -> bool:
    """Whether this person helps others in person: a village officer, or an organiser."""
    return user.is_authenticated and user.has_perm("accounts.assist_residents")


def assisted_root(user) -> Unit | None:
    """The top of the subtree whose residents this person may act for: the whole tree for an
    organiser, their own unit (a village) for a village officer, nothing for anyone else."""
    if not may_assist(user):
        return None
    if is_organiser(user):
        return Unit.objects.filter(parent__isnull=True).order_by("path").first()
    return user.unit if user.unit_id else None


def people_assisted_by(user):
    """The accounts this person may act for: register, reset the password of, take a contest
    with. A village officer: the active residents of their village's subtree. An organiser:
    every active account of the tree but organisers and administrators, so that no organiser can
    take over another's account (theirs is reset by email or in the admin)."""
    root = assisted_root(user)
    if root is None:
        return User.objects.none()
    people = (User.objects.active().in_subtree(root).exclude(pk=user.pk).exclude(is_superuser=True)
              .exclude(groups__name=Role.ORGANISER.value))
    if not is_organiser(user):
        # Residents only: staff accounts and other officers are the commune's to reset.
        people = (people.filter(groups__name=Role.RESIDENT.value)
                  .exclude(groups__name__in=[r.value for r in (*STAFF_ROLES, Role.VILLAGE_OFFICER)]))
    return people


def can_act_for(user, person: User) -> bool:
    """Whether `user` may act for `person` (see people_assisted_by): the pages 404 otherwise."""
    return person is not None and people_assisted_by(user).filter(pk=person.pk).exists()


def organiser_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous people are sent to log in; logged-in non-organisers get a 404."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_organiser(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
