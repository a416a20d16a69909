"""Keeping standings as attempts finish, and reading them for leaderboards.

Everything here runs per person or reads bounded row sets: no request ranks all participants.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.db.models import F, Q, Subquery, Sum

from accounts.models import Unit
from accounts.privacy import public_name, public_unit
from contests.models import (
    ContestStanding,
    Prediction,
    RankBucket,
    Round,
    Standing,
    UnitStanding,
)
from quizzes.models import Attempt
from quizzes.services.attempts import counted_attempt

PROVISIONAL_ORDER = ["-score", "duration_ms", "submitted_at", "id"]


def _bump(model, *, lookup: dict, **deltas) -> None:
    """Add deltas to a counter row, creating it on first use. One UPDATE once the row exists;
    F() keeps concurrent submits from losing an increment, and the insert that may race with
    another submit's ignores the conflict rather than failing the grading."""
    increments = {name: F(name) + delta for name, delta in deltas.items()}
    if not model.objects.filter(**lookup).update(**increments):
        model.objects.bulk_create([model(**lookup)], ignore_conflicts=True)
        model.objects.filter(**lookup).update(**increments)


def standing_refresh(*, attempt: Attempt, round_: Round) -> Standing | None:
    """Bring the person's standing in the round in line with the attempt that counts, now that
    `attempt` (of one of the round's quizzes) is graded. Runs inside the grading transaction (the
    attempt_finished receiver). A round whose final ranking is computed is frozen.

    What the standing records about the person (unit, staff or not) is the attempt's, frozen when
    it started. The person's standings in the whole contest are read, locked, in one query: this
    round's says what changes, and together they are the overall totals."""
    if round_.is_final:
        return None
    user_id = attempt.user_id
    mine = list(Standing.objects.select_for_update(of=("self",))
                .filter(round__contest_id=round_.contest_id, user_id=user_id))
    standing = next((s for s in mine if s.round_id == round_.pk), None)
    # Attempt numbers run 1, 2, … with one open at a time: the first graded is the only one.
    counted = attempt if attempt.number == 1 else counted_attempt(quiz=attempt.quiz, user=user_id)
    if standing is not None and standing.attempt_id == counted.pk:
        guess = standing.prediction
    else:
        # Read by the write itself: the guess was recorded just before the grading, if at all.
        guess = Subquery(Prediction.objects.filter(attempt_id=counted.pk).values("value"))
    values = {
        "attempt_id": counted.pk, "score": counted.score or 0, "max_score": counted.max_score,
        "duration_ms": counted.duration_ms or 0, "submitted_at": counted.submitted_at, "prediction": guess,
        "attempts_count": attempt.number,
    }
    if standing is None:
        # The unit and staff-ness of the first finished attempt: a later move does not carry the
        # person's score to another unit's table mid-round.
        standing = Standing.objects.create(round=round_, user_id=user_id, unit_id=attempt.unit_id,
                                           is_staff_member=attempt.is_staff_member, **values)
        mine.append(standing)
        _bump(RankBucket, lookup={"round": round_, "score": standing.score, "duration_s": standing.duration_s},
              count=1)
        if standing.unit_id:
            _bump(UnitStanding, lookup={"round": round_, "unit_id": standing.unit_id},
                  participants=1, score_sum=standing.score)
    else:
        old_score, old_ms, old_bucket = standing.score, standing.duration_ms, (standing.score, standing.duration_s)
        for name, value in values.items():
            setattr(standing, name, value)
        standing.save(update_fields=[*values, "updated_at"])
        new_bucket = (standing.score, standing.duration_s)
        if new_bucket != old_bucket:
            _bump(RankBucket, lookup={"round": round_, "score": old_bucket[0], "duration_s": old_bucket[1]},
                  count=-1)
            _bump(RankBucket, lookup={"round": round_, "score": new_bucket[0], "duration_s": new_bucket[1]},
                  count=1)
        if standing.score != old_score and standing.unit_id:
            _bump(UnitStanding, lookup={"round": round_, "unit_id": standing.unit_id},
                  score_sum=standing.score - old_score)
        if (standing.score, standing.duration_ms) == (old_score, old_ms):
            return standing
    _contest_totals_write(round_, user_id, mine)
    return standing


def _contest_totals_write(round_: Round, user_id: int, mine: list[Standing]) -> None:
    """The person's overall row, from their standings in the contest (one upsert), so it is right
    again after each of their submits. Two of one person's attempts graded at the same moment in
    two rounds of a contest (rounds follow each other, so only where they overlap) could on
    PostgreSQL leave it without the other's new standing until their next submit; SQLite runs
    one writer at a time."""
    ContestStanding.objects.bulk_create(
        [ContestStanding(contest_id=round_.contest_id, user_id=user_id, rounds=len(mine),
                         total_score=sum(s.score for s in mine), total_duration_ms=sum(s.duration_ms for s in mine))],
        update_conflicts=True, unique_fields=["contest", "user"],
        update_fields=["rounds", "total_score", "total_duration_ms"],
    )


def provisional_rank(standing: Standing) -> int:
    """1 + the people ahead by score, then time, then submission time. Two small queries: the
    buckets ahead (bounded by questions × seconds) and the people ahead inside this second."""
    ahead_buckets = RankBucket.objects.filter(round_id=standing.round_id).filter(
        Q(score__gt=standing.score) | Q(score=standing.score, duration_s__lt=standing.duration_s)
    ).aggregate(n=Sum("count"))["n"] or 0
    second_start = standing.duration_s * 1000
    ahead_here = Standing.objects.filter(
        round_id=standing.round_id, score=standing.score,
        duration_ms__gte=second_start, duration_ms__lt=second_start + 1000,
    ).filter(
        Q(duration_ms__lt=standing.duration_ms)
        | Q(duration_ms=standing.duration_ms, submitted_at__lt=standing.submitted_at)
        | Q(duration_ms=standing.duration_ms, submitted_at=standing.submitted_at, pk__lt=standing.pk)
    ).count()
    return 1 + ahead_buckets + ahead_here


def rank_of(standing: Standing) -> int:
    return standing.final_rank if standing.final_rank is not None else provisional_rank(standing)


# --- Reading leaderboards -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    rank: int
    name: str
    unit: str
    score: int
    max_score: int
    duration: str
    prediction_error: int | None
    is_me: bool


def mmss(milliseconds: int | None) -> str:
    seconds = (milliseconds or 0) // 1000
    return f"{seconds // 60:02d}:{seconds % 60:02d}.{(milliseconds or 0) % 1000 // 100}"


def display_name(*, pk: int, full_name: str, show: bool, anonymised_at) -> str:
    """accounts.privacy.public_name from values, so lists need not load whole users."""
    return public_name(SimpleNamespace(pk=pk, full_name=full_name, show_on_leaderboard=show,
                                       is_anonymised=anonymised_at is not None))


def display_unit(*, unit_name: str | None, show: bool, anonymised_at) -> str:
    """accounts.privacy.public_unit from values."""
    return public_unit(SimpleNamespace(show_on_leaderboard=show, is_anonymised=anonymised_at is not None), unit_name)


_ROW_FIELDS = ["pk", "final_rank", "score", "max_score", "duration_ms", "prediction_error", "user_id",
               "user__full_name", "user__show_on_leaderboard", "user__anonymised_at", "unit__name"]


def _row(values: dict, rank: int, me: int | None) -> Row:
    return Row(
        rank=rank,
        name=display_name(pk=values["user_id"], full_name=values["user__full_name"],
                          show=values["user__show_on_leaderboard"], anonymised_at=values["user__anonymised_at"]),
        unit=display_unit(unit_name=values["unit__name"], show=values["user__show_on_leaderboard"],
                          anonymised_at=values["user__anonymised_at"]),
        score=values["score"], max_score=values["max_score"], duration=mmss(values["duration_ms"]),
        prediction_error=values["prediction_error"], is_me=me is not None and values["user_id"] == me,
    )


def leaderboard_rows(round_: Round, *, limit: int = 50, me: int | None = None) -> list[Row]:
    """The top of a round: the final ranking once computed, else the provisional order. One query."""
    standings = Standing.objects.filter(round=round_)
    if round_.is_final:
        values = standings.order_by("final_rank").values(*_ROW_FIELDS)[:limit]
        return [_row(v, v["final_rank"], me) for v in values]
    values = standings.order_by(*PROVISIONAL_ORDER).values(*_ROW_FIELDS)[:limit]
    return [_row(v, n, me) for n, v in enumerate(values, start=1)]


def neighbours(standing: Standing, *, around: int = 2) -> list[Row]:
    """The people just above and below a person in the final ranking, masked."""
    rank = standing.final_rank
    if rank is None:
        return []
    values = (Standing.objects.filter(round_id=standing.round_id,
                                      final_rank__gte=max(1, rank - around), final_rank__lte=rank + around)
              .order_by("final_rank").values(*_ROW_FIELDS))
    return [_row(v, v["final_rank"], standing.user_id) for v in values]


@dataclass(frozen=True)
class OverallRow:
    rank: int
    name: str
    rounds: int
    total_score: int
    duration: str
    is_me: bool


def overall_rows(contest_id: int, *, limit: int = 50, me: int | None = None) -> list[OverallRow]:
    values = (ContestStanding.objects.filter(contest_id=contest_id)
              .order_by("-total_score", "total_duration_ms", "id")
              .values("user_id", "rounds", "total_score", "total_duration_ms", "user__full_name",
                      "user__show_on_leaderboard", "user__anonymised_at")[:limit])
    return [
        OverallRow(rank=n, name=display_name(pk=v["user_id"], full_name=v["user__full_name"],
                                             show=v["user__show_on_leaderboard"],
                                             anonymised_at=v["user__anonymised_at"]),
                   rounds=v["rounds"], total_score=v["total_score"], duration=mmss(v["total_duration_ms"]),
                   is_me=me is not None and v["user_id"] == me)
        for n, v in enumerate(values, start=1)
    ]


@dataclass
class UnitRow:
    unit: Unit
    participants: int = 0
    score_sum: int = 0
    headcount: int = 0
    has_children: bool = False
    rank: int | None = None

    @property
    def rate(self) -> Decimal | None:
        if not self.headcount:
            return None
        return (Decimal(100) * self.participants / self.headcount).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def mean_score(self) -> Decimal | None:
        if not self.participants:
            return None
        return (Decimal(self.score_sum) / self.participants).quantize(Decimal("0.01"), ROUND_HALF_UP)


def unit_rows(round_: Round, parent: Unit) -> list[UnitRow]:
    """The units directly under `parent`, each with the figures of its whole subtree, ranked by
    participation rate, then mean score. Two queries, whatever the number of participants: the
    subtree's units and its UnitStanding rows (at most one per unit)."""
    units = list(Unit.objects.filter(path__startswith=parent.path).order_by("path"))
    figures = {
        u["unit__path"]: u for u in UnitStanding.objects.filter(round=round_, unit__path__startswith=parent.path)
        .values("unit__path", "participants", "score_sum")
    }
    rows = [UnitRow(unit=u) for u in units if u.parent_id == parent.pk]
    own = next((u for u in units if u.pk == parent.pk), None)
    for row in rows:
        below = [u for u in units if u.path.startswith(row.unit.path)]
        row.has_children = len(below) > 1
        row.headcount = row.unit.headcount or sum(u.headcount for u in below)
        for u in below:
            f = figures.get(u.path)
            if f:
                row.participants += f["participants"]
                row.score_sum += f["score_sum"]
    if own is not None and own.path in figures:
        # People attached to the parent unit itself (e.g. the commune's leaders).
        f = figures[own.path]
        rows.append(UnitRow(unit=own, participants=f["participants"], score_sum=f["score_sum"],
                            headcount=0))
    rows.sort(key=lambda r: (-(r.rate or 0), -(r.mean_score or 0), r.unit.path))
    for n, row in enumerate(rows, start=1):
        row.rank = n
    return rows
