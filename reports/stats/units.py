"""The unit table: one row per unit under the chosen one, with its whole subtree's figures (members,
training completion, contest participation and mean score), ranked, against the previous period.

Each source table is read by one query grouped per unit; the few hundred rows are rolled up to the
rows shown through the units' materialised paths, here in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, FloatField, Sum
from django.db.models.functions import Cast

from accounts.models import Unit
from reports.stats.filters import SEGMENT, Filters, members_per_unit, percent, rounded, standings_in
from reports.stats.training import training_figures


@dataclass
class UnitFigures:
    unit: Unit
    headcount: int = 0
    members: int = 0
    assigned: int = 0
    completed: int = 0
    participants: int = 0
    entries: int = 0
    score_percent_sum: float = 0.0
    rank: int | None = None
    previous: UnitFigures | None = None
    is_own_members: bool = False

    @property
    def completion_rate(self) -> Decimal | None:
        return percent(self.completed, self.assigned)

    @property
    def participation_rate(self) -> Decimal | None:
        return percent(self.participants, self.headcount)

    @property
    def mean_score(self) -> Decimal | None:
        return rounded(self.score_percent_sum / self.entries) if self.entries else None

    @property
    def participation_change(self) -> Decimal | None:
        if self.previous is None or self.participation_rate is None or self.previous.participation_rate is None:
            return None
        return self.participation_rate - self.previous.participation_rate

    @property
    def mean_score_change(self) -> Decimal | None:
        if self.previous is None or self.mean_score is None or self.previous.mean_score is None:
            return None
        return self.mean_score - self.previous.mean_score

    def add(self, other: UnitFigures) -> None:
        for name in ("members", "assigned", "completed", "participants", "entries", "score_percent_sum"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def row_key(root: Unit, path: str) -> str | None:
    """The row a unit's figures are counted in: the child of `root` above it, or the root itself
    for people attached to the root unit directly."""
    if not path.startswith(root.path):
        return None
    return path[: len(root.path) + SEGMENT] if len(path) > len(root.path) else root.path


@dataclass
class UnitTable:
    root: Unit
    total: UnitFigures
    rows: list[UnitFigures]
    units: dict[int, Unit] = field(default_factory=dict)
    # {(unit_id, module_id): [assigned, completed]}, kept for the per-module figures.
    training: dict[tuple[int, int], list[int]] = field(default_factory=dict)


def unit_rows_only(filters: Filters) -> UnitTable:
    """The rows of the unit table without their figures (one query): what the weak-topics table
    needs, in tree order, with a row for the chosen unit's own members last."""
    root = filters.unit
    units = _subtree_units(root)
    rows = [UnitFigures(unit=unit) for unit in units if unit.parent_id == root.pk]
    rows.append(UnitFigures(unit=root, is_own_members=True))
    return UnitTable(root=root, total=UnitFigures(unit=root), rows=rows, units={u.pk: u for u in units})


def _subtree_units(root: Unit) -> list[Unit]:
    return list(Unit.objects.subtree(root).order_by("path"))


def unit_table(filters: Filters, *, with_previous: bool = True, units: list[Unit] | None = None,
               members: dict | None = None) -> UnitTable:
    """One row per unit directly under the chosen unit (each with its whole subtree's figures),
    a row for people attached to the chosen unit itself if any, and the total. Ranked by
    participation rate, then mean score."""
    root = filters.unit
    units = units if units is not None else _subtree_units(root)
    by_id = {unit.pk: unit for unit in units}
    # Members do not depend on the period: counted once for this period and the previous one.
    members = {} if members is None else members
    training = training_figures(filters, by_id, members)
    per_unit = _per_unit_figures(filters, by_id, training, members)
    rows: dict[str, UnitFigures] = {}
    for unit in units:
        if unit.parent_id == root.pk:
            below = [u for u in units if u.path.startswith(unit.path)]
            rows[unit.path] = UnitFigures(unit=unit, headcount=unit.headcount or sum(u.headcount for u in below))
    total = UnitFigures(unit=root, headcount=root.headcount or sum(u.headcount for u in units if u.pk != root.pk))
    own = UnitFigures(unit=root, is_own_members=True)
    for unit_id, figures in per_unit.items():
        unit = by_id[unit_id]
        key = row_key(root, unit.path)
        (own if key == root.path else rows[key]).add(figures)
        total.add(figures)
    result = list(rows.values())
    if own.members or own.participants or own.assigned:
        result.append(own)
    ranked = sorted(result, key=lambda r: (-(r.participation_rate or -1), -(r.mean_score or -1), r.unit.path))
    for n, row in enumerate(ranked, start=1):
        row.rank = n
    if with_previous:
        before = unit_table(filters.previous(), with_previous=False, units=units, members=members)
        previous_rows = {(r.unit.pk, r.is_own_members): r for r in before.rows}
        for row in result:
            row.previous = previous_rows.get((row.unit.pk, row.is_own_members))
        total.previous = before.total
    return UnitTable(root=root, total=total, rows=sorted(result, key=lambda r: r.rank or 0), units=by_id,
                     training=training)


def _score_percent():
    return Cast(F("score"), FloatField()) * 100.0 / F("max_score")


def _per_unit_figures(filters: Filters, units: dict[int, Unit], training: dict[tuple[int, int], list[int]],
                      members: dict) -> dict[int, UnitFigures]:
    """Figures of each unit's own members (not its subtree), from grouped queries."""
    figures: dict[int, UnitFigures] = {uid: UnitFigures(unit=unit) for uid, unit in units.items()}
    for unit_id, n in members_per_unit(filters, members).items():
        figures[unit_id].members = n
    for (unit_id, _module_id), (assigned, completed) in training.items():
        figures[unit_id].assigned += assigned
        figures[unit_id].completed += completed
    contest_rows = (standings_in(filters).values("unit_id")
                    .annotate(people=Count("user_id", distinct=True), entries=Count("pk"),
                              pct=Sum(_score_percent())).order_by())
    for row in contest_rows:
        f = figures[row["unit_id"]]
        f.participants, f.entries, f.score_percent_sum = row["people"], row["entries"], row["pct"] or 0.0
    return {uid: f for uid, f in figures.items() if f.members or f.assigned or f.participants}
