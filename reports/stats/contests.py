"""Contest figures per round of the period (staff and residents taking part, mean score) and the
distribution of the entries' scores, from one pass over the standings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from contests.models import Round
from reports.stats.filters import Filters, percent, rounded, rounds_in_period, standings_in


@dataclass(frozen=True)
class RoundFigures:
    round: Round
    staff: int
    residents: int
    entries: int
    score_percent_sum: float
    headcount: int

    @property
    def participants(self) -> int:
        return self.staff + self.residents

    @property
    def participation_rate(self) -> Decimal | None:
        return percent(self.participants, self.headcount)

    @property
    def mean_score(self) -> Decimal | None:
        return rounded(self.score_percent_sum / self.entries) if self.entries else None

    @property
    def label(self) -> str:
        return f"{self.round.contest.title} — {self.round.label}"


@dataclass(frozen=True)
class EntryCount:
    round_id: int
    is_staff_member: bool
    score: int
    max_score: int
    entries: int

    @property
    def score_percent(self) -> float:
        return self.score * 100 / self.max_score


def entry_counts(filters: Filters) -> list[EntryCount]:
    """The period's entries per (round, staff or not, score, questions): one pass over the
    standings that the per-round figures and the score distribution both read, a few hundred rows
    however many entries."""
    rows = (standings_in(filters).values("round_id", "is_staff_member", "score", "max_score")
            .annotate(n=Count("pk")).order_by().values_list("round_id", "is_staff_member", "score", "max_score", "n"))
    return [EntryCount(*row) for row in rows]


def round_figures(filters: Filters, headcount: int, entries: list[EntryCount] | None = None) -> list[RoundFigures]:
    """Per round of the period: staff and residents taking part and their mean score (in %)."""
    figures: dict[int, dict] = defaultdict(lambda: {"staff": 0, "residents": 0, "pct": 0.0})
    for count in entry_counts(filters) if entries is None else entries:
        f = figures[count.round_id]
        f["staff" if count.is_staff_member else "residents"] += count.entries
        f["pct"] += count.score_percent * count.entries
    return [
        RoundFigures(round=round_, staff=figures[round_.pk]["staff"], residents=figures[round_.pk]["residents"],
                     entries=figures[round_.pk]["staff"] + figures[round_.pk]["residents"],
                     score_percent_sum=figures[round_.pk]["pct"], headcount=headcount)
        for round_ in rounds_in_period(filters)
    ]


def score_distribution(filters: Filters, entries: list[EntryCount] | None = None
                       ) -> tuple[Decimal | None, Decimal | None]:
    """Mean and median score (in %) of the entries of the period, from their histogram."""
    histogram = [(c.score_percent, c.entries) for c in (entry_counts(filters) if entries is None else entries)]
    count = sum(n for _, n in histogram)
    if not count:
        return None, None
    mean = sum(value * n for value, n in histogram) / count
    histogram.sort()

    def nth(k: int) -> float:  # the k-th value (0-based) of the sorted entries
        seen = 0
        for value, n in histogram:
            seen += n
            if k < seen:
                return value
        return histogram[-1][0]

    median = nth(count // 2) if count % 2 else (nth(count // 2 - 1) + nth(count // 2)) / 2
    return rounded(mean), rounded(median)
