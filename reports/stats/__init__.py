"""Every figure of the dashboard, the API, the exports and the periodic report, computed here once
from the same `Filters`, so a figure reads the same wherever it appears.

By sub-domain: `filters` (the filters and the rows they pick), `units` (the unit table),
`training`, `contests` (per round, score distribution) and `answers` (attempts, weak topics and
most missed questions, from the tallies). Each source table is read by queries grouped per unit
or per round, never row by row, so the number of queries is fixed whatever the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from contests.models import Contest
from reports.stats.answers import (
    MissedQuestion,
    TopicCell,
    WeakTopics,
    answers_figures,
    attempts_count,
    most_missed_questions,
    weak_topics,
)
from reports.stats.contests import RoundFigures, entry_counts, round_figures, score_distribution
from reports.stats.filters import Audience, Filters, members_in, standings_in
from reports.stats.training import ModuleFigures, certificates, coverages, module_figures
from reports.stats.units import UnitFigures, UnitTable, unit_rows_only, unit_table
from reports.tallies import tallies_counted_at

__all__ = [
    "Audience", "Dashboard", "Filters", "MissedQuestion", "ModuleFigures", "RoundFigures", "TopicCell", "UnitFigures",
    "UnitTable", "WeakTopics", "answers_figures", "attempts_count", "coverages", "dashboard", "members_in",
    "most_missed_questions", "round_figures", "standings_in", "tallies_counted_at", "unit_rows_only", "unit_table",
    "weak_topics",
]


@dataclass
class Dashboard:
    filters: Filters
    table: UnitTable
    modules: list[ModuleFigures]
    rounds: list[RoundFigures]
    attempts: int
    entries: int
    mean_score: Decimal | None
    median_score: Decimal | None
    certificates: int
    # Left out of the dashboard page, which loads them as a fragment of their own (htmx), so the
    # page's figures come first.
    weak: WeakTopics | None
    missed: list[MissedQuestion]
    # What the attempts and answers figures are as of (None: the tallies were never counted).
    counted_at: datetime | None

    @property
    def staff_taking_part(self) -> int:
        return sum(r.staff for r in self.rounds)

    @property
    def residents_taking_part(self) -> int:
        return sum(r.residents for r in self.rounds)

    @property
    def contests(self) -> list[Contest]:
        seen: dict[int, Contest] = {}
        for figures in self.rounds:
            seen.setdefault(figures.round.contest_id, figures.round.contest)
        return list(seen.values())


def dashboard(filters: Filters, *, with_answers: bool = True) -> Dashboard:
    """The whole dashboard for these filters: what the page, the API and the .docx read."""
    table = unit_table(filters)
    entries = entry_counts(filters)
    mean, median = score_distribution(filters, entries)
    weak, missed = answers_figures(filters, table) if with_answers else (None, [])
    return Dashboard(
        filters=filters, table=table, modules=module_figures(filters, table.training),
        rounds=round_figures(filters, table.total.headcount, entries), attempts=attempts_count(filters),
        entries=table.total.entries, mean_score=mean, median_score=median,
        certificates=certificates(filters).count(), weak=weak, missed=missed, counted_at=tallies_counted_at(),
    )
