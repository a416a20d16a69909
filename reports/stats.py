"""Every figure of the dashboard, the API, the exports and the periodic report, computed here once
from the same `Filters`, so a figure reads the same wherever it appears.

How it stays fast at 100,000 participants and 1,000,000 answers: each source table is read by one
aggregate query grouped per unit (GROUP BY unit), never row by row; the small per-unit result
(a few hundred rows) is then rolled up to the rows shown, through the units' materialised paths,
in Python. Attempts and answers are not scanned at all: they are read from the per-day tallies
kept when each attempt is graded (reports.tallies). The number of queries is fixed whatever the
data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import Unit, User
from quizzes.contests.models import Contest, Round, Standing
from quizzes.models import Question, Quiz, QuizDrawRule, Topic
from reports.models import AttemptTally, QuestionTally, TopicTally
from reports.tallies import STAFF_GROUPS, tallies_fold
from training.models import Assignment, Certificate, Module, ModuleCompletion

# Path segments are the primary key on six digits and a slash (accounts.models.Unit.save).
SEGMENT = 7


class Audience:
    ALL = ""
    STAFF = "staff"
    RESIDENTS = "residents"


@dataclass(frozen=True)
class Filters:
    unit: Unit
    date_from: date
    date_to: date
    module: Module | None = None
    contest: Contest | None = None
    audience: str = Audience.ALL

    @property
    def start(self) -> datetime:
        return _midnight(self.date_from)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return _midnight(self.date_to + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def previous(self) -> Filters:
        """The period of the same length just before this one."""
        return replace(self, date_from=self.date_from - timedelta(days=self.days),
                       date_to=self.date_from - timedelta(days=1))


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day))


def percent(part: float, whole: float, places: str = "0.1") -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def rounded(value: float | None, places: str = "0.1") -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


# --- The pieces every figure is filtered by ------------------------------------------------------

def subtree_ids(root: Unit) -> QuerySet[Unit]:
    """The subtree's unit ids as a subquery: the database reads it once, then filters the big
    tables by unit id, with no join to the unit table per row."""
    return Unit.objects.subtree(root).values("pk")


def rounds_in_period(filters: Filters) -> QuerySet[Round]:
    """Rounds open at some moment of the period (of the chosen contest, if any)."""
    rounds = Round.objects.filter(opens_at__lt=filters.end, closes_at__gt=filters.start)
    if filters.contest is not None:
        rounds = rounds.filter(contest=filters.contest)
    return rounds.select_related("contest").order_by("opens_at", "contest_id", "number")


def standings_in(filters: Filters, root: Unit | None = None) -> QuerySet[Standing]:
    """The counted entry of each person in each round, submitted in the period, in the subtree."""
    standings = Standing.objects.filter(submitted_at__gte=filters.start, submitted_at__lt=filters.end,
                                        unit_id__in=subtree_ids(root or filters.unit), max_score__gt=0)
    if filters.contest is not None:
        standings = standings.filter(round__contest=filters.contest)
    if filters.audience == Audience.STAFF:
        standings = standings.filter(is_staff_member=True)
    elif filters.audience == Audience.RESIDENTS:
        standings = standings.filter(is_staff_member=False)
    return standings


def members_in(filters: Filters, root: Unit | None = None) -> QuerySet[User]:
    members = User.objects.active().filter(unit_id__in=subtree_ids(root or filters.unit))
    if filters.audience:
        staff = Exists(User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name__in=STAFF_GROUPS))
        members = members.filter(staff) if filters.audience == Audience.STAFF else members.exclude(staff)
    return members


def quizzes_in(filters: Filters) -> QuerySet[Quiz] | None:
    """The chosen contest's quizzes (its rounds' and their staff quizzes) and the chosen module's
    quiz, as a subquery of ids; None when neither is chosen (every quiz)."""
    chosen = Q()
    if filters.contest is not None:
        chosen |= Q(contest_round__contest=filters.contest) | Q(contest_round_for_staff__contest=filters.contest)
    if filters.module is not None:
        chosen |= Q(pk=filters.module.quiz_id)
    return Quiz.objects.filter(chosen).values("pk") if chosen else None


def tallies_in(model: type[AttemptTally | TopicTally | QuestionTally], filters: Filters,
               root: Unit | None = None) -> QuerySet:
    """Tally rows (finished attempts and their answers, reports.tallies) of the period's days, of
    the subtree's units, of the chosen audience (staff or residents, as when graded), on the
    chosen contest's or module's quizzes. The attempts graded since the last read are added first
    (reports.tallies.tallies_fold), so the rows count every graded attempt."""
    tallies_fold()
    rows = model.objects.filter(day__gte=filters.date_from, day__lte=filters.date_to,
                                unit_id__in=subtree_ids(root or filters.unit))
    if filters.audience:
        rows = rows.filter(is_staff_member=filters.audience == Audience.STAFF)
    quizzes = quizzes_in(filters)
    return rows if quizzes is None else rows.filter(quiz_id__in=quizzes)


def attempts_count(filters: Filters, root: Unit | None = None) -> int:
    """Finished attempts submitted in the period by people of the subtree (as of their grading)."""
    return tallies_in(AttemptTally, filters, root).aggregate(n=Sum("attempts"))["n"] or 0


def _score_percent():
    return Cast(F("score"), FloatField()) * 100.0 / F("max_score")


# --- Units and rows ------------------------------------------------------------------------------

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
    training = _training_figures(filters, by_id, members)
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


def _members_per_unit(filters: Filters, members: dict) -> dict[int, int]:
    key = (filters.unit.pk, filters.audience)
    if key not in members:
        if filters.audience == Audience.STAFF:
            # Driven by the group memberships (staff are a small share of the accounts).
            rows = (User.groups.through.objects.filter(
                group__name__in=STAFF_GROUPS, user__is_active=True, user__anonymised_at__isnull=True,
                user__unit_id__in=subtree_ids(filters.unit),
            ).values("user__unit_id").annotate(n=Count("user_id", distinct=True)).order_by()
              .values_list("user__unit_id", "n"))
        else:
            rows = members_in(filters).values("unit_id").annotate(n=Count("pk")).order_by().values_list("unit_id", "n")
        members[key] = dict(rows)
    return members[key]


def _per_unit_figures(filters: Filters, units: dict[int, Unit], training: dict[tuple[int, int], list[int]],
                      members: dict) -> dict[int, UnitFigures]:
    """Figures of each unit's own members (not its subtree), from grouped queries."""
    figures: dict[int, UnitFigures] = {uid: UnitFigures(unit=unit) for uid, unit in units.items()}
    for unit_id, n in _members_per_unit(filters, members).items():
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


# --- Training --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Coverage:
    module: Module
    paths: tuple[str, ...]

    def covers(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.paths)


def coverages(filters: Filters, root: Unit | None = None) -> list[_Coverage]:
    """Per module, the unit paths its assignments cover (in or above the chosen subtree)."""
    assignments = Assignment.objects.touching_subtree(root or filters.unit).select_related("module", "unit")
    if filters.module is not None:
        assignments = assignments.filter(module=filters.module)
    paths: dict[int, list[str]] = defaultdict(list)
    modules: dict[int, Module] = {}
    for assignment in assignments.order_by("module__order", "module_id"):
        modules[assignment.module_id] = assignment.module
        paths[assignment.module_id].append(assignment.unit.path)
    return [_Coverage(module=modules[mid], paths=tuple(p)) for mid, p in paths.items()]


def _training_figures(filters: Filters, units: dict[int, Unit], members: dict) -> dict[tuple[int, int], list[int]]:
    """{(unit_id, module_id): [assigned, completed]} for units' own members: members covered by an
    assignment, and how many of them had completed the module by the end of the period. Staff
    only: residents are never assigned modules."""
    covered = coverages(filters)
    if not covered or filters.audience == Audience.RESIDENTS:
        return {}
    staff = replace(filters, audience=Audience.STAFF)
    staff_per_unit = _members_per_unit(staff, members)
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


def module_figures(filters: Filters, table: UnitTable) -> list[ModuleFigures]:
    per_module: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for (_unit_id, module_id), (assigned, completed) in table.training.items():
        per_module[module_id][0] += assigned
        per_module[module_id][1] += completed
    certificates = dict(_certificates(filters).values("completion__module_id").annotate(n=Count("pk"))
                        .order_by().values_list("completion__module_id", "n"))
    return [
        ModuleFigures(module=c.module, assigned=per_module[c.module.pk][0], completed=per_module[c.module.pk][1],
                      certificates=certificates.get(c.module.pk, 0))
        for c in coverages(filters)
    ]


def _certificates(filters: Filters) -> QuerySet[Certificate]:
    certificates = Certificate.objects.filter(
        issued_at__gte=filters.start, issued_at__lt=filters.end, revoked_at__isnull=True,
        completion__user__unit__path__startswith=filters.unit.path,
    )
    if filters.module is not None:
        certificates = certificates.filter(completion__module=filters.module)
    return certificates


# --- Contests ----------------------------------------------------------------------------------------

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


# --- Weak topics and missed questions ---------------------------------------------------------------

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
    """The answers of the period per (unit of the person, topic frozen with the question), from
    the topic tally: units × topics rows, however many answers."""
    grouped = (tallies_in(TopicTally, filters).values("unit_id", "topic_id")
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
    # The question can be drawn in a contest round that is open now: its explanation (which gives
    # the answer away) is then for organisers only, since unit managers and staff take part too.
    in_open_round: bool = False

    @property
    def wrong_rate(self) -> Decimal | None:
        return percent(self.wrong, self.answers)


def most_missed_questions(filters: Filters, unit: Unit | None = None, *, limit: int = 5) -> list[MissedQuestion]:
    """The questions answered wrong most often in the subtree, with their explanations: ranked
    in the database from the question tally, so only the top rows come back."""
    wrong = Sum("answers") - Sum("correct")
    top = list(tallies_in(QuestionTally, filters, unit).values("question_id")
               .annotate(n=Sum("answers"), wrong=wrong).filter(wrong__gt=0)
               .order_by("-wrong", "question_id").values_list("question_id", "n", "wrong")[:limit])
    questions = Question.objects.select_related("topic").in_bulk([qid for qid, _n, _wrong in top])
    live_topics = _topics_in_open_rounds() if top else set()
    return [MissedQuestion(question=questions[qid], answers=n, wrong=wrong,
                           in_open_round=questions[qid].topic_id in live_topics)
            for qid, n, wrong in top if qid in questions]


def _topics_in_open_rounds() -> set[int]:
    now = timezone.now()
    open_rounds = Round.objects.filter(opens_at__lte=now, closes_at__gt=now)
    drawn = Q(quiz__contest_round__in=open_rounds) | Q(quiz__contest_round_for_staff__in=open_rounds)
    return set(QuizDrawRule.objects.filter(drawn).values_list("topic_id", flat=True))


# --- Everything the dashboard and the report show ---------------------------------------------------

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
        filters=filters, table=table, modules=module_figures(filters, table),
        rounds=round_figures(filters, table.total.headcount, entries), attempts=attempts_count(filters),
        entries=table.total.entries, mean_score=mean, median_score=median,
        certificates=_certificates(filters).count(), weak=weak, missed=missed,
    )


def answers_figures(filters: Filters, table: UnitTable) -> tuple[WeakTopics, list[MissedQuestion]]:
    """The unit × topic table and the most missed questions, from the answer tallies."""
    return weak_topics(filters, table), most_missed_questions(filters)
