"""The pieces every figure is filtered by: the filters themselves, and the source rows they pick
(standings, members, rounds, quizzes, tallies), each as a queryset that the figures group per unit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import Unit, User
from accounts.roles import STAFF_ROLES
from contests.models import Contest, Round, Standing
from quizzes.models import Quiz
from reports.models import AnswerTally, AttemptTally
from reports.tallies import local_midnight
from training.models import Module

# Path segments are the primary key on six digits and a slash (accounts.models.Unit.save).
SEGMENT = 7
# The groups of the staff roles: what the audience filter reads of people now (members, training).
STAFF_GROUPS = sorted(role.value for role in STAFF_ROLES)


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
        return local_midnight(self.date_from)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return local_midnight(self.date_to + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def previous(self) -> Filters:
        """The period of the same length just before this one."""
        return replace(self, date_from=self.date_from - timedelta(days=self.days),
                       date_to=self.date_from - timedelta(days=1))


def percent(part: float, whole: float, places: str = "0.1") -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def rounded(value: float | None, places: str = "0.1") -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


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
    """Active members of the subtree now, of the chosen audience (by their groups now)."""
    members = User.objects.active().filter(unit_id__in=subtree_ids(root or filters.unit))
    if filters.audience:
        staff = Exists(User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name__in=STAFF_GROUPS))
        members = members.filter(staff) if filters.audience == Audience.STAFF else members.exclude(staff)
    return members


def members_per_unit(filters: Filters, members: dict) -> dict[int, int]:
    """{unit id: active members of the audience}, for the subtree's units; `members` keeps the
    counts already made (they do not depend on the period)."""
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


def quizzes_in(filters: Filters) -> QuerySet[Quiz] | None:
    """The chosen contest's quizzes (its rounds' and their staff quizzes) and the chosen module's
    quiz, as a subquery of ids; None when neither is chosen (every quiz)."""
    chosen = Q()
    if filters.contest is not None:
        chosen |= Q(contest_round__contest=filters.contest) | Q(contest_round_for_staff__contest=filters.contest)
    if filters.module is not None:
        chosen |= Q(pk=filters.module.quiz_id)
    return Quiz.objects.filter(chosen).values("pk") if chosen else None


def tallies_in(model: type[AttemptTally | AnswerTally], filters: Filters, root: Unit | None = None) -> QuerySet:
    """Tally rows (finished attempts and their answers, reports.tallies) of the period's days, of
    the subtree's units, of the chosen audience (as when the attempt started), on the chosen
    contest's or module's quizzes."""
    rows = model.objects.filter(day__gte=filters.date_from, day__lte=filters.date_to,
                                unit_id__in=subtree_ids(root or filters.unit))
    if filters.audience:
        rows = rows.filter(is_staff_member=filters.audience == Audience.STAFF)
    quizzes = quizzes_in(filters)
    return rows if quizzes is None else rows.filter(quiz_id__in=quizzes)
