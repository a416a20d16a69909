"""Suspicion flags before prizes: three detectors over a round's counted attempts (one per
person, Standing.attempt), an idempotent computation, and the organiser's decision.

Flags are leads for a person to judge, never verdicts: a confirmed flag only keeps the person
out of the round's prizes (ranking.prizes_award), and every decision is audited.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from accounts.audit import audit_log
from accounts.models import User
from contests.models import FlagStatus, Round, Standing, SuspicionFlag, SuspicionKind
from contests.ranking import prizes_award
from quizzes.models import AttemptQuestion

# Two attempts with the same answers are "near-identical in timing" when every question was
# answered within this many seconds of the same moment after the start.
SAME_TIMING_TOLERANCE_S = 2
# Identical answers to one or two questions are common by chance; a copied sequence is not.
SAME_ANSWERS_MIN_QUESTIONS = 3


@dataclass(frozen=True)
class Finding:
    attempt_id: int
    user_id: int
    kind: str
    details: dict


def _counted(round_: Round):
    return Standing.objects.filter(round=round_)


def detect_fast_perfect(round_: Round) -> list[Finding]:
    """Every question right in less than the contest's seconds per question. One query."""
    per_question = round_.contest.suspicious_seconds_per_question
    if not per_question:
        return []
    rows = (_counted(round_).filter(score=F("max_score"), max_score__gt=0,
                                    duration_ms__lt=F("max_score") * per_question * 1000)
            .values_list("attempt_id", "user_id", "score", "duration_ms"))
    return [Finding(attempt_id=a, user_id=u, kind=SuspicionKind.FAST_PERFECT,
                    details={"score": score, "duration_ms": ms, "threshold_ms": score * per_question * 1000})
            for a, u, score, ms in rows]


def detect_shared_device(round_: Round) -> list[Finding]:
    """At least N different accounts started from one network address with one browser
    fingerprint. Address alone is not enough: the public service centre and village halls
    put many honest people behind one address. Assisted attempts (an officer's device, by design)
    are not counted. Two queries (the groups, then their members)."""
    threshold = round_.contest.suspicious_accounts_per_device
    if not threshold:
        return []
    # Assisted attempts leave out: an officer's device takes many residents' attempts by design,
    # and each of those attempts names the officer (organisers see them on the participation page).
    counted = (_counted(round_).exclude(attempt__client_ip=None).exclude(attempt__client_fingerprint="")
               .filter(attempt__assisted_by__isnull=True))
    groups = list(counted.values("attempt__client_ip", "attempt__client_fingerprint")
                  .annotate(accounts=Count("user_id", distinct=True)).filter(accounts__gte=threshold)
                  .values_list("attempt__client_ip", "attempt__client_fingerprint", "accounts"))
    findings: list[Finding] = []
    for ip, fingerprint, accounts in groups:
        members = (counted.filter(attempt__client_ip=ip, attempt__client_fingerprint=fingerprint)
                   .order_by("user_id").values_list("attempt_id", "user_id"))
        findings += [Finding(attempt_id=a, user_id=u, kind=SuspicionKind.SHARED_DEVICE,
                             details={"client_ip": ip, "fingerprint": fingerprint[:12], "accounts": accounts})
                     for a, u in members]
    return findings


def _answer_signatures(round_: Round) -> dict[str, list[int]]:
    """Answer-sequence signature → the counted attempts sharing it, for signatures shared by at
    least two attempts. The signature (question id and chosen ids, sorted by question, so it
    does not depend on the order questions were shown) is built and grouped in the database:
    only the duplicated groups come back, whatever the number of participants."""
    # Table names from _meta; the only values (round, minimum) travel as parameters.
    items = AttemptQuestion._meta.db_table
    standings = Standing._meta.db_table
    piece = "CAST(i.question_id AS TEXT) || ':' || CAST(i.selected AS TEXT)"
    answered = "s.round_id = %s AND i.question_id IS NOT NULL AND i.answered_at IS NOT NULL"
    joined = f"{items} i JOIN {standings} s ON s.attempt_id = i.attempt_id"
    if connection.vendor == "postgresql":
        signature = f"md5(string_agg({piece}, ',' ORDER BY i.question_id))"
        source = f"{joined} WHERE {answered}"
    else:
        # SQLite before 3.44 has no ORDER BY inside an aggregate; it concatenates in the order of
        # the ordered subquery. Were that order ever not kept, equal sequences would look
        # different: a missed flag, never a false one.
        signature = f"group_concat({piece}, ',')"
        source = f"(SELECT i.* FROM {joined} WHERE {answered} ORDER BY i.attempt_id, i.question_id) i"  # noqa: S608
    sql = (
        f"WITH sigs AS (SELECT i.attempt_id, {signature} AS sig, COUNT(*) AS answered FROM {source} "  # noqa: S608
        "  GROUP BY i.attempt_id), "
        "dup AS (SELECT sig FROM sigs WHERE answered >= %s GROUP BY sig HAVING COUNT(*) > 1) "
        "SELECT sigs.attempt_id, sigs.sig FROM sigs JOIN dup ON dup.sig = sigs.sig ORDER BY sigs.attempt_id"
    )
    groups: dict[str, list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, [round_.pk, SAME_ANSWERS_MIN_QUESTIONS])
        for attempt_id, sig in cursor.fetchall():
            groups[hashlib.sha256(sig.encode()).hexdigest()[:16]].append(attempt_id)
    return groups


def _timings(attempt_ids: list[int]) -> dict[int, dict[int, float]]:
    """Attempt → question → seconds from the attempt's start to the answer."""
    out: dict[int, dict[int, float]] = defaultdict(dict)
    rows = (AttemptQuestion.objects.filter(attempt_id__in=attempt_ids, question_id__isnull=False)
            .values_list("attempt_id", "question_id", "answered_at", "attempt__started_at"))
    for attempt_id, question_id, answered_at, started_at in rows.iterator(chunk_size=2000):
        if answered_at is not None:
            out[attempt_id][question_id] = (answered_at - started_at).total_seconds()
    return out


def _near(a: dict[int, float], b: dict[int, float]) -> bool:
    return a.keys() == b.keys() and bool(a) and all(abs(a[q] - b[q]) <= SAME_TIMING_TOLERANCE_S for q in a)


def detect_same_answers(round_: Round) -> list[Finding]:
    """The same answers to the same questions, each answered at nearly the same moment after the
    start. Equal answers alone are normal (every perfect score on one draw is equal): the
    timings are the signal. Compared only inside a signature group, between attempts whose
    durations are within the tolerance (a sliding window over the group sorted by duration)."""
    groups = _answer_signatures(round_)
    if not groups:
        return []
    ids = [a for members in groups.values() for a in members]
    info = {a: (u, ms) for a, u, ms in Standing.objects.filter(round=round_, attempt_id__in=ids)
            .values_list("attempt_id", "user_id", "duration_ms")}
    tolerance_ms = SAME_TIMING_TOLERANCE_S * 1000
    pairs: list[tuple[int, int]] = []
    for members in groups.values():
        ordered = sorted(members, key=lambda a: (info[a][1], a))
        for n, first in enumerate(ordered):
            for second in ordered[n + 1:]:
                if info[second][1] - info[first][1] > tolerance_ms:
                    break
                if info[second][0] != info[first][0]:
                    pairs.append((first, second))
    if not pairs:
        return []
    timings = _timings(sorted({a for pair in pairs for a in pair}))
    matches: dict[int, set[int]] = defaultdict(set)
    for first, second in pairs:
        if _near(timings.get(first, {}), timings.get(second, {})):
            matches[first].add(second)
            matches[second].add(first)
    return [Finding(attempt_id=a, user_id=info[a][0], kind=SuspicionKind.SAME_ANSWERS,
                    details={"same_as_attempts": sorted(others), "tolerance_s": SAME_TIMING_TOLERANCE_S})
            for a, others in sorted(matches.items())]


DETECTORS = (detect_fast_perfect, detect_shared_device, detect_same_answers)


def round_flags_compute(*, round_: Round, now: datetime | None = None) -> dict[str, int]:
    """Run every detector and bring the round's flags in line. Idempotent: a flag found again
    keeps its status, decision and reason (only an open flag's details are refreshed); an open
    flag no longer found (the person's counted attempt changed, a threshold was raised) goes;
    decided flags always stay. Returns the number of open flags per kind."""
    now = now or timezone.now()
    findings = {(f.attempt_id, f.kind): f for detector in DETECTORS for f in detector(round_)}
    with transaction.atomic():
        existing = {(f.attempt_id, f.kind): f for f in SuspicionFlag.objects.filter(round=round_)}
        stale = [f.pk for key, f in existing.items() if key not in findings and f.status == FlagStatus.OPEN]
        SuspicionFlag.objects.filter(pk__in=stale).delete()
        refreshed = []
        for key, finding in findings.items():
            flag = existing.get(key)
            if flag is not None and flag.status == FlagStatus.OPEN and flag.details != finding.details:
                flag.details = finding.details
                refreshed.append(flag)
        SuspicionFlag.objects.bulk_update(refreshed, ["details"], batch_size=500)
        SuspicionFlag.objects.bulk_create(
            [SuspicionFlag(round=round_, attempt_id=f.attempt_id, user_id=f.user_id, kind=f.kind, details=f.details,
                           created_at=now)
             for key, f in findings.items() if key not in existing],
            batch_size=500,
        )
    counts = dict.fromkeys(SuspicionKind.values, 0)
    for row in (SuspicionFlag.objects.filter(round=round_, status=FlagStatus.OPEN)
                .values("kind").annotate(n=Count("pk"))):
        counts[row["kind"]] = row["n"]
    return counts


def flag_decide(*, flag: SuspicionFlag, actor: User, confirm: bool, reason: str,
                now: datetime | None = None) -> SuspicionFlag:
    """Confirm (no prize for the person in this round) or clear a flag, with the reason, in the
    audit log. When the round's prizes are already awarded they are rebuilt at once, so the
    winners list always honours the decisions (rebuilding twice gives the same list)."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ValueError("a decision needs a reason")
    with transaction.atomic():
        flag = SuspicionFlag.objects.select_for_update(of=("self",)).select_related("round__contest").get(pk=flag.pk)
        before = flag.status
        flag.status = FlagStatus.CONFIRMED if confirm else FlagStatus.CLEARED
        flag.decided_by, flag.decided_at, flag.reason = actor, now, reason
        flag.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        round_ = flag.round
        recomputed = False
        # Prizes exist from the close's prizes step on, before the round is final.
        if round_.is_final or round_.prizes.exists():
            prizes_award(round_)
            recomputed = True
        audit_log(actor=actor, action="flag.confirm" if confirm else "flag.clear", obj=flag,
                  summary=f"{round_} — {flag.get_kind_display()} — {reason}"[:300],
                  data={"reason": reason, "kind": flag.kind, "attempt": flag.attempt_id, "user": flag.user_id,
                        "before": before, "after": flag.status, "prizes_recomputed": recomputed})
    return flag
