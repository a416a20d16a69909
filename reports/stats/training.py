"""Training figures: which modules cover which units, how many covered staff members had completed
them by the end of the period, and the certificates issued in it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, QuerySet

from accounts.models import Unit, User
from reports.stats.filters import STAFF_GROUPS, Audience, Filters, members_per_unit, percent, subtree_ids
from training.models import Assignment, Certificate, Module, ModuleCompletion


@dataclass(frozen=True)
class Coverage:
    module: Module
    paths: tuple[str, ...]

    def covers(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.paths)


def coverages(filters: Filters, root: Unit | None = None) -> list[Coverage]:
    """Per module, the unit paths its assignments cover (in or above the chosen subtree)."""
    assignments = Assignment.objects.touching_subtree(root or filters.unit).select_related("module", "unit")
    if filters.module is not None:
        assignments = assignments.filter(module=filters.module)
    paths: dict[int, list[str]] = defaultdict(list)
    modules: dict[int, Module] = {}
    for assignment in assignments.order_by("module__order", "module_id"):
        modules[assignment.module_id] = assignment.module
        paths[assignment.module_id].append(assignment.unit.path)
    return [Coverage(module=modules[mid], paths=tuple(p)) for mid, p in paths.items()]


def training_figures(filters: Filters, units: dict[int, Unit], members: dict) -> dict[tuple[int, int], list[int]]:
    """{(unit_id, module_id): [assigned, completed]} for units' own members: members covered by an
    assignment, and how many of them had completed the module by the end of the period. Staff
    only: residents are never assigned modules."""
    covered = coverages(filters)
    if not covered or filters.audience == Audience.RESIDENTS:
        return {}
    staff = replace(filters, audience=Audience.STAFF)
    staff_per_unit = members_per_unit(staff, members)
    is_staff = Exists(User.groups.through.objects.filter(user_id=OuterRef("user_id"), group__name__in=STAFF_GROUPS))
    done = (ModuleCompletion.objects.filter(
        is_staff, completed_at__lt=filters.end, module__in=[c.module for c in covered], user__is_active=True,
        user__anonymised_at__isnull=True, user__unit_id__in=subtree_ids(filters.unit),
    ).values("user__unit_id", "module_id").annotate(n=Count("pk")).order_by())
    completed = {(row["user__unit_id"], row["module_id"]): row["n"] for row in done}
    result: dict[tuple[int, int], list[int]] = {}
    for unit_id, n in staff_per_unit.items():
        unit = units.get(unit_id)
        if unit is None:
            continue
        for coverage in covered:
            if coverage.covers(unit.path):
                result[(unit_id, coverage.module.pk)] = [n, completed.get((unit_id, coverage.module.pk), 0)]
    return result


@dataclass(frozen=True)
class ModuleFigures:
    module: Module
    assigned: int
    completed: int
    certificates: int

    @property
    def completion_rate(self) -> Decimal | None:
        return percent(self.completed, self.assigned)


def module_figures(filters: Filters, training: dict[tuple[int, int], list[int]]) -> list[ModuleFigures]:
    """Per covering module: assigned and completed (from the unit table's `training`), certificates."""
    per_module: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for (_unit_id, module_id), (assigned, completed) in training.items():
        per_module[module_id][0] += assigned
        per_module[module_id][1] += completed
    issued = dict(certificates(filters).values("completion__module_id").annotate(n=Count("pk"))
                  .order_by().values_list("completion__module_id", "n"))
    return [
        ModuleFigures(module=c.module, assigned=per_module[c.module.pk][0], completed=per_module[c.module.pk][1],
                      certificates=issued.get(c.module.pk, 0))
        for c in coverages(filters)
    ]


def certificates(filters: Filters) -> QuerySet[Certificate]:
    """Certificates issued in the period to people of the subtree, not revoked."""
    issued = Certificate.objects.filter(
        issued_at__gte=filters.start, issued_at__lt=filters.end, revoked_at__isnull=True,
        completion__user__unit__path__startswith=filters.unit.path,
    )
    if filters.module is not None:
        issued = issued.filter(completion__module=filters.module)
    return issued
