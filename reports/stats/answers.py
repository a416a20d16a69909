"""Figures of the finished attempts and their answers, read from the tallies (reports.tallies):
the number of attempts, the unit × topic share of correct answers and the most missed questions.
They are as of the last count of the tallies (reports.tallies.tallies_counted_at), for the unit
and staff-ness frozen on each attempt when it started."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from accounts.models import Unit
from contests.fairness import live_pool_question_ids
from quizzes.models import Question, Topic
from reports.models import AnswerTally, AttemptTally
from reports.stats.filters import Filters, percent, tallies_in
from reports.stats.units import UnitTable, row_key


def attempts_count(filters: Filters, root: Unit | None = None) -> int:
    """Finished attempts submitted in the period by people of the subtree (as when they started)."""
    return tallies_in(AttemptTally, filters, root).aggregate(n=Sum("attempts"))["n"] or 0


@dataclass
class TopicCell:
    answers: int = 0
    correct: int = 0
    is_weakest: bool = False

    @property
    def rate(self) -> Decimal | None:
        return percent(self.correct, self.answers)


@dataclass
class WeakTopics:
    topics: list[Topic]
    rows: list[tuple[Unit, list[TopicCell]]]
    totals: list[TopicCell]

    def weakest_topics(self, n: int = 3) -> list[tuple[Topic, TopicCell]]:
        pairs = [(t, c) for t, c in zip(self.topics, self.totals, strict=True) if c.answers]
        return sorted(pairs, key=lambda p: (p[1].rate, p[0].name))[:n]


# Cells under this share of correct answers, or the lowest of their unit's row, carry a text marker.
WEAK_BELOW = Decimal(50)


@dataclass(frozen=True)
class AnswerCount:
    unit_id: int
    topic_id: int
    answers: int
    correct: int


def topic_counts(filters: Filters) -> list[AnswerCount]:
    """The answers of the period per (unit, topic frozen with the question): units × topics rows,
    however many answers."""
    grouped = (tallies_in(AnswerTally, filters).filter(topic_id__isnull=False).values("unit_id", "topic_id")
               .annotate(n=Sum("answers"), ok=Sum("correct")).order_by().values_list("unit_id", "topic_id", "n", "ok"))
    return [AnswerCount(*row) for row in grouped]


def weak_topics(filters: Filters, table: UnitTable) -> WeakTopics:
    """Unit × topic share of correct answers, for the rows of `table`."""
    counts = topic_counts(filters)
    cells: dict[tuple[str, int], TopicCell] = defaultdict(TopicCell)
    totals: dict[int, TopicCell] = defaultdict(TopicCell)
    root = table.root
    for count in counts:
        unit = table.units.get(count.unit_id)
        if unit is None:
            continue
        key = row_key(root, unit.path)
        for cell in (cells[(key, count.topic_id)], totals[count.topic_id]):
            cell.answers += count.answers
            cell.correct += count.correct
    topics = list(Topic.objects.filter(pk__in=list(totals)).order_by("name"))
    rows = []
    for unit_row in table.rows:
        key = unit_row.unit.path if not unit_row.is_own_members else root.path
        line = [cells.get((key, topic.pk), TopicCell()) for topic in topics]
        rated = [c for c in line if c.answers]
        lowest = min((c.rate for c in rated), default=None)
        highest = max((c.rate for c in rated), default=None)
        for cell in rated:
            cell.is_weakest = cell.rate < WEAK_BELOW or (lowest != highest and cell.rate == lowest)
        if unit_row.is_own_members and not rated:
            continue  # nobody attached to the unit itself answered: no empty row
        rows.append((unit_row.unit, line))
    return WeakTopics(topics=topics, rows=rows, totals=[totals.get(t.pk, TopicCell()) for t in topics])


@dataclass(frozen=True)
class MissedQuestion:
    question: Question
    answers: int
    wrong: int
    # The question is in the pool of a contest with a round open or to come (contests/fairness.py):
    # its explanation (which gives the answer away) is then for organisers only, since unit
    # managers and staff take part too.
    in_open_round: bool = False

    @property
    def wrong_rate(self) -> Decimal | None:
        return percent(self.wrong, self.answers)


def most_missed_questions(filters: Filters, unit: Unit | None = None, *, limit: int = 5) -> list[MissedQuestion]:
    """The questions answered wrong most often in the subtree, with their explanations: ranked
    in the database, so only the top rows come back."""
    wrong = Sum("answers") - Sum("correct")
    top = list(tallies_in(AnswerTally, filters, unit).filter(question_id__isnull=False).values("question_id")
               .annotate(n=Sum("answers"), wrong=wrong).filter(wrong__gt=0)
               .order_by("-wrong", "question_id").values_list("question_id", "n", "wrong")[:limit])
    questions = Question.objects.select_related("topic").in_bulk([qid for qid, _n, _wrong in top])
    live = live_pool_question_ids() if top else set()
    return [MissedQuestion(question=questions[qid], answers=n, wrong=wrong, in_open_round=qid in live)
            for qid, n, wrong in top if qid in questions]


def answers_figures(filters: Filters, table: UnitTable) -> tuple[WeakTopics, list[MissedQuestion]]:
    """The unit × topic table and the most missed questions, from the answer tallies."""
    return weak_topics(filters, table), most_missed_questions(filters)
