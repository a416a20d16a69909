"""The final ranking of a round, computed once at close, and what follows from it: prizes and
the published snapshot. Deterministic: the same standings give the same ranks, the same prize
lists and a byte-identical snapshot (so the same SHA-256)."""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from dataclasses import dataclass
from datetime import UTC
from decimal import ROUND_HALF_UP, Decimal

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import F

from accounts.exports import csv_safe
from accounts.models import Unit
from accounts.roles import is_organiser
from contests.models import (
    PredictionKind,
    Prize,
    PrizeCategory,
    PrizeKind,
    RankingRule,
    Round,
    Standing,
    SuspicionFlag,
    UnitStanding,
)
from contests.standings import display_name, display_unit

# Sorts people who gave no prediction after every real error.
NO_PREDICTION = 2**31 - 1

RANKING_RULES = {
    RankingRule.PREDICTION_FIRST: (
        "score (high first), then prediction error |guess − actual| (low first), then time taken "
        "(low first), then submission time (early first)"
    ),
    RankingRule.TIME_FIRST: (
        "score (high first), then time taken (low first), then prediction error |guess − actual| "
        "(low first), then submission time (early first)"
    ),
}
RANKING_RULE = RANKING_RULES[RankingRule.PREDICTION_FIRST]
_ERROR = "COALESCE(ABS(prediction - %s), %s) ASC"
_ORDER = {
    RankingRule.PREDICTION_FIRST: f"score DESC, {_ERROR}, duration_ms ASC",
    RankingRule.TIME_FIRST: f"score DESC, duration_ms ASC, {_ERROR}",
}


def actual_figure(round_: Round) -> int:
    standings = Standing.objects.filter(round=round_)
    if round_.contest.prediction_kind == PredictionKind.ALL_CORRECT:
        return standings.filter(score=F("max_score"), max_score__gt=0).count()
    return standings.count()


def final_ranks_compute(round_: Round, actual: int) -> None:
    """prediction_error and final_rank for every standing of the round in one UPDATE, the
    ranking done by the database's ROW_NUMBER() once, here, never per request. One statement
    rather than two halves the rows rewritten at a million standings (each rewrite touches every
    index of the table), and rows already right (a second close) are not rewritten at all."""
    table = connection.ops.quote_name(Standing._meta.db_table)
    order = _ORDER.get(round_.contest.ranking_rule, _ORDER[RankingRule.PREDICTION_FIRST])
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    # UPDATE … FROM works on PostgreSQL and on SQLite ≥ 3.33.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET prediction_error = ranked.err, final_rank = ranked.rn FROM ("  # noqa: S608
            "  SELECT id, ABS(prediction - %s) AS err, ROW_NUMBER() OVER ("
            f"    ORDER BY {order}, submitted_at ASC, id ASC"
            "  ) AS rn"
            f"  FROM {table} WHERE round_id = %s"
            f") AS ranked WHERE {table}.id = ranked.id"
            f"  AND ({table}.final_rank {distinct} ranked.rn OR {table}.prediction_error {distinct} ranked.err)",
            [actual, actual, NO_PREDICTION, round_.pk],
        )


def _prize_eligible(standing: Standing, organising_paths: list[str]) -> bool:
    contest = standing.round.contest
    # Assisted mode: the contest says whether an attempt a village officer took with the person
    # may win (Contest.assisted_attempts_win_prizes). Reads the attempt only when it may not.
    if not contest.assisted_attempts_win_prizes and standing.attempt.assisted_by_id is not None:
        return False
    if not contest.exclude_organisers_from_prizes:
        return True
    if is_organiser(standing.user):
        return False
    unit_path = standing.unit.path if standing.unit_id else ""
    return not any(unit_path.startswith(path) for path in organising_paths)


def _individual_winners(round_: Round, *, count: int, staff: bool | None,
                        organising_paths: list[str], flagged: set[int]) -> list[Standing]:
    if count <= 0:
        return []
    candidates = Standing.objects.filter(round=round_).select_related("user", "unit", "round__contest")
    if staff is not None:
        candidates = candidates.filter(is_staff_member=staff)
    winners: list[Standing] = []
    # Walks the final order only as far as needed: excluded people (organisers, confirmed
    # suspicion flags) are rare.
    for standing in candidates.order_by("final_rank").iterator(chunk_size=200):
        if standing.user_id not in flagged and _prize_eligible(standing, organising_paths):
            winners.append(standing)
            if len(winners) == count:
                break
    return winners


@dataclass(frozen=True)
class UnitResult:
    unit_id: int
    participants: int
    headcount: int
    rate: Decimal
    mean_score: Decimal


def unit_results(round_: Round) -> list[UnitResult]:
    """Units ranked for the unit prizes: participation rate against headcount (high first), then
    mean score (high first); units without a headcount or under the threshold are left out."""
    threshold = Decimal(round_.contest.unit_min_participation_percent)
    results = []
    rows = (UnitStanding.objects.filter(round=round_, participants__gt=0, unit__headcount__gt=0)
            .values("unit_id", "unit__path", "unit__headcount", "participants", "score_sum"))
    for row in rows:
        rate = (Decimal(100) * row["participants"] / row["unit__headcount"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if rate < threshold:
            continue
        mean = (Decimal(row["score_sum"]) / row["participants"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
        results.append((row["unit__path"], UnitResult(unit_id=row["unit_id"], participants=row["participants"],
                                                      headcount=row["unit__headcount"], rate=rate, mean_score=mean)))
    results.sort(key=lambda pair: (-pair[1].rate, -pair[1].mean_score, pair[0]))
    return [result for _path, result in results]


def prizes_award(round_: Round) -> list[Prize]:
    """Rebuild the round's prize list from the final ranking, leaving out people whose
    suspicion flag an organiser confirmed."""
    contest = round_.contest
    flagged = SuspicionFlag.objects.confirmed_user_ids(round_)
    Prize.objects.filter(round=round_).delete()
    organising_paths = list(Unit.objects.filter(pk__in=contest.organising_units.all()).values_list("path", flat=True))
    prizes: list[Prize] = []
    if contest.split_prizes:
        groups = [(PrizeCategory.STAFF, True, contest.staff_prizes),
                  (PrizeCategory.RESIDENTS, False, contest.resident_prizes)]
    else:
        groups = [(PrizeCategory.ALL, None, contest.individual_prizes)]
    for category, staff, count in groups:
        winners = _individual_winners(round_, count=count, staff=staff, organising_paths=organising_paths,
                                      flagged=flagged)
        prizes += [Prize(round=round_, kind=PrizeKind.INDIVIDUAL, category=category, place=n, standing=s,
                         unit_id=s.unit_id) for n, s in enumerate(winners, start=1)]
    for n, result in enumerate(unit_results(round_)[:contest.unit_prizes], start=1):
        prizes.append(Prize(round=round_, kind=PrizeKind.UNIT, place=n, unit_id=result.unit_id,
                            participants=result.participants, headcount=result.headcount,
                            mean_score=result.mean_score))
    return Prize.objects.bulk_create(prizes)


SNAPSHOT_HEADER = ["final_rank", "participant", "unit", "score", "questions", "prediction", "prediction_error",
                   "time_taken_ms", "submitted_at_utc"]


def snapshot_name(round_: Round) -> str:
    return f"contests/{round_.contest.slug}/round-{round_.number}-final-ranking.csv"


def snapshot_write(round_: Round, actual: int) -> tuple[str, str]:
    """Write the final ranking as CSV (masked names, no phone) and return (name, sha256).
    Streamed through a temporary file, so a million rows never sit in memory."""
    digest = hashlib.sha256()
    with tempfile.TemporaryFile() as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(["# contest", csv_safe(round_.contest.title)])
        writer.writerow(["# round", round_.number, csv_safe(round_.label)])
        writer.writerow(["# prediction_question", round_.contest.prediction_kind])
        writer.writerow(["# actual_figure", actual])
        writer.writerow(["# ranking_rule", RANKING_RULES.get(round_.contest.ranking_rule, RANKING_RULE)])
        writer.writerow(SNAPSHOT_HEADER)
        rows = (Standing.objects.filter(round=round_).order_by("final_rank")
                .values_list("final_rank", "user_id", "user__full_name", "user__show_on_leaderboard",
                             "user__anonymised_at", "unit__name", "score", "max_score", "prediction",
                             "prediction_error", "duration_ms", "submitted_at"))
        for rank, user_id, full_name, show, anonymised_at, unit, score, max_score, guess, error, ms, at in (
                rows.iterator(chunk_size=5000)):
            # Names and units are typed by people and the file is opened in spreadsheets: as text.
            writer.writerow([
                rank, csv_safe(display_name(pk=user_id, full_name=full_name, show=show, anonymised_at=anonymised_at)),
                csv_safe(display_unit(unit_name=unit, show=show, anonymised_at=anonymised_at)),
                score, max_score, "" if guess is None else guess, "" if error is None else error,
                ms, at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            ])
        text.flush()
        raw.seek(0)
        for chunk in iter(lambda: raw.read(1 << 16), b""):
            digest.update(chunk)
        raw.seek(0)
        name = snapshot_name(round_)
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, File(raw, name=name.rsplit("/", 1)[-1]))
        text.detach()
    return saved, digest.hexdigest()
