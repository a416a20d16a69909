"""What unit managers and organisers see of training: each member's progress in an assigned
module, and completion rates per unit. Every report is a fixed number of queries, whatever
the number of members."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Unit, User
from quizzes.models import Attempt
from training.models import Assignment, LessonProgress, Module, ModuleCompletion, ancestor_paths


class Status:
    DONE = _("Completed")
    OVERDUE = _("Overdue")
    # Not the attempt status of the same English words ("Đang làm bài"): here it means studying.
    IN_PROGRESS = pgettext_lazy("training progress", "In progress")
    NOT_STARTED = _("Not started")


@dataclass(frozen=True)
class MemberProgress:
    member: User
    lessons_done: int
    lessons_total: int
    quiz_passed: bool
    completed_at: datetime | None
    due_date: date | None

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None

    @property
    def is_overdue(self) -> bool:
        return not self.is_done and self.due_date is not None and self.due_date < timezone.localdate()

    @property
    def status(self) -> str:
        if self.is_done:
            return str(Status.DONE)
        if self.is_overdue:
            return str(Status.OVERDUE)
        if self.lessons_done or self.quiz_passed:
            return str(Status.IN_PROGRESS)
        return str(Status.NOT_STARTED)

    @property
    def percent(self) -> int:
        return round(100 * self.lessons_done / self.lessons_total) if self.lessons_total else 0


def modules_assigned_within(root: Unit) -> QuerySet[Module]:
    """Modules with an assignment that covers some of the root's subtree."""
    return Module.objects.filter(
        pk__in=Assignment.objects.touching_subtree(root).values("module_id")
    ).order_by("order", "pk")


def _covering(assignments: list[Assignment], unit_path: str) -> date | None:
    dates = [a.due_date for a in assignments if unit_path.startswith(a.unit.path)]
    return min(dates) if dates else None


def member_progress(*, module: Module, unit: Unit, pending_only: bool = False) -> list[MemberProgress]:
    """Every active member of `unit`'s subtree whom an assignment of `module` covers, with their
    progress in it; the members who have not completed it first, then by unit and name."""
    assignments = list(Assignment.objects.filter(module=module).touching_subtree(unit).select_related("unit"))
    if not assignments:
        return []
    covered = Q()
    for assignment in assignments:
        covered |= Q(unit__path__startswith=assignment.unit.path)
    lessons_done = (
        LessonProgress.objects.filter(user=OuterRef("pk"), lesson__module=module)
        .order_by().values("user").annotate(n=Count("pk")).values("n")
    )
    members = (
        User.objects.active().in_subtree(unit).filter(covered).select_related("unit")
        .annotate(
            lessons_done=Coalesce(Subquery(lessons_done, output_field=IntegerField()), 0),
            completed_at=Subquery(
                ModuleCompletion.objects.filter(user=OuterRef("pk"), module=module).values("completed_at")[:1]
            ),
            quiz_passed=Exists(Attempt.objects.filter(user=OuterRef("pk"), quiz_id=module.quiz_id, passed=True))
            if module.quiz_id else Exists(Attempt.objects.none()),
        )
        .order_by("unit__path", "full_name", "pk")
    )
    if pending_only:
        members = members.filter(completed_at__isnull=True)
    total = module.lessons.count()
    rows = [
        MemberProgress(
            member=member, lessons_done=member.lessons_done, lessons_total=total, quiz_passed=member.quiz_passed,
            completed_at=member.completed_at, due_date=_covering(assignments, member.unit.path),
        )
        for member in members
    ]
    rows.sort(key=lambda row: row.is_done)  # stable: unit and name order kept within each group
    return rows


@dataclass(frozen=True)
class UnitRate:
    unit: Unit
    depth: int
    due_date: date | None
    members: int
    completed: int

    @property
    def headcount(self) -> int:
        return self.unit.headcount

    @property
    def rate_of_headcount(self) -> Decimal | None:
        return _percent(self.completed, self.headcount)

    @property
    def rate_of_members(self) -> Decimal | None:
        return _percent(self.completed, self.members)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def completion_rates(*, module: Module) -> list[UnitRate]:
    """Per unit of every assigned subtree: members covered, members who completed, and the
    rates against the unit's headcount and against its members on the platform. Members are
    counted in one grouped query and summed up the tree here."""
    assignments = list(Assignment.objects.filter(module=module).select_related("unit"))
    if not assignments:
        return []
    covered = Q()
    for assignment in assignments:
        covered |= Q(unit__path__startswith=assignment.unit.path)
    per_unit = (
        User.objects.active().filter(covered)
        .annotate(done=Exists(ModuleCompletion.objects.filter(user=OuterRef("pk"), module=module)))
        .values("unit__path").annotate(n=Count("pk"), completed=Count("pk", filter=Q(done=True)))
        .order_by()
    )
    roots = [a.unit.path for a in assignments]
    totals: dict[str, list[int]] = {path: [0, 0] for path in roots}
    for row in per_unit:
        for path in ancestor_paths(row["unit__path"]):
            # Only units inside an assigned subtree get a row.
            if any(path.startswith(root) for root in roots):
                counts = totals.setdefault(path, [0, 0])
                counts[0] += row["n"]
                counts[1] += row["completed"]
    units = {unit.path: unit for unit in Unit.objects.filter(path__in=totals)}
    root_depth = min(len(path.split("/")) for path in roots)
    rates = []
    for path in sorted(totals):
        if path not in units:
            continue
        members, completed = totals[path]
        rates.append(UnitRate(
            unit=units[path], depth=len(path.split("/")) - root_depth, due_date=_covering(assignments, path),
            members=members, completed=completed,
        ))
    return rates
