"""The people behind a unit's rates: who has not finished an assigned module, who has not taken
part in the period's rounds. Personal data: the pages show them to those who may see the unit,
and every download of them is audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.models import Unit, User
from reports.stats import Filters, coverages, members_in, standings_in
from training.reports import MemberProgress, member_progress


def non_participants(filters: Filters, unit: Unit) -> QuerySet[User]:
    """Active members of the subtree (of the chosen audience) with no entry in the period."""
    took_part = standings_in(filters, unit).values("user_id")
    return (members_in(filters, unit).exclude(pk__in=took_part).select_related("unit")
            .order_by("unit__path", "full_name", "pk"))


@dataclass(frozen=True)
class Unfinished:
    module_title: str
    progress: MemberProgress


def unfinished_training(filters: Filters, unit: Unit) -> list[Unfinished]:
    """Per assigned module (or the chosen one), the covered members who have not completed it."""
    if filters.audience == "residents":
        return []
    result = []
    for coverage in coverages(filters, unit):
        result += [Unfinished(module_title=coverage.module.title, progress=row)
                   for row in member_progress(module=coverage.module, unit=unit, pending_only=True)]
    return result
