"""What organisers do to set a contest up, without the Django admin: save its settings (the
round quizzes follow them), generate and edit rounds, set the prizes, publish.

The organiser never picks a quiz: each round's quiz (and the staff pool's, when the contest has
one) is made and kept here from the contest's settings (audience, time limit, attempts, the
attempt that counts, questions per topic). A round whose quiz has attempts keeps the rules its
participants started under. Every change is in the audit log; refusals are DomainErrors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_log
from accounts.models import User
from contests.errors import CloseBeforeStarts, NoDraw, NoRounds, PoolTooSmall, RoundFinal, RoundsOverlap
from contests.fairness import contest_publish_check
from contests.models import Contest, ContestAudience, ContestDrawRule, Round
from quizzes.models import AttemptStatus, Audience, Quiz, QuizDrawRule, ReviewPolicy, Topic
from quizzes.services.attempts import draw_shortfalls, pool_sizes

# The engine's audience of a round's quiz, by the contest's audience. A quiz for everyone draws
# only questions written for everyone (residents take it too).
QUIZ_AUDIENCE = {
    ContestAudience.RESIDENTS: Audience.PUBLIC,
    ContestAudience.STAFF: Audience.STAFF,
    ContestAudience.BOTH: Audience.BOTH,
}
ROUNDS_MAX = 52
ROUND_OPENS = time(0, 0)
ROUND_CLOSES = time(23, 59)

CONTEST_FIELDS = [
    "title", "slug", "description", "rules", "audience", "min_age", "prediction_kind", "ranking_rule",
    "scoring_rule", "attempts_per_round", "time_limit_minutes", "staff_pool",
]
PRIZE_FIELDS = [
    "first_prizes", "second_prizes", "third_prizes", "consolation_prizes", "unit_prizes",
    "unit_min_participation_percent", "exclude_organisers_from_prizes",
]


# --- Pools -------------------------------------------------------------------------------------


def has_staff_pool(*, audience: str, staff_pool: bool) -> bool:
    """Staff take a quiz of their own only in a contest open to both groups."""
    return staff_pool and audience == ContestAudience.BOTH


@dataclass(frozen=True)
class TopicPool:
    """A topic, how many questions each round draws from it, and how many published questions
    its pool(s) hold: `available` for the round's quiz, `staff_available` for the staff pool."""

    topic: Topic
    count: int
    available: int
    staff_available: int | None

    @property
    def short(self) -> bool:
        smallest = self.available if self.staff_available is None else min(self.available, self.staff_available)
        return self.count > smallest


def topic_pools(*, audience: str, staff_pool: bool, counts: dict[int, int]) -> list[TopicPool]:
    """Every topic with its live counts of drawable questions for this audience (two queries)."""
    main = pool_sizes(audience=QUIZ_AUDIENCE[ContestAudience(audience)])
    staff = pool_sizes(audience=Audience.STAFF) if has_staff_pool(audience=audience, staff_pool=staff_pool) else None
    return [
        TopicPool(topic=topic, count=counts.get(topic.pk, 0), available=main.get(topic.pk, 0),
                  staff_available=None if staff is None else staff.get(topic.pk, 0))
        for topic in Topic.objects.order_by("name", "pk")
    ]


def pool_too_small_message(pool: TopicPool) -> str:
    if pool.staff_available is not None and pool.staff_available < pool.available:
        available = pool.staff_available
        return _("Only %(available)s published questions of this topic can be drawn for staff: "
                 "choose at most %(available)s.") % {"available": available}
    return _("Only %(available)s published questions of this topic can be drawn for this audience: "
             "choose at most %(available)s.") % {"available": pool.available}


def draw_check(*, audience: str, staff_pool: bool, counts: dict[int, int]) -> None:
    """Refuse a draw that takes nothing, or more questions from a topic than its pool holds."""
    if not any(n > 0 for n in counts.values()):
        raise NoDraw()
    short = [p for p in topic_pools(audience=audience, staff_pool=staff_pool, counts=counts) if p.short]
    if short:
        raise PoolTooSmall(_("Not enough published questions for the draw: %(topics)s.") % {
            "topics": "; ".join(f"{p.topic.name} ({pool_too_small_message(p)})" for p in short)})


def contest_counts(contest: Contest) -> dict[int, int]:
    if contest.pk is None:
        return {}
    return dict(contest.draw_rules.values_list("topic_id", "count"))


# --- Round quizzes -------------------------------------------------------------------------------


def _free_slug(base: str) -> str:
    base = base[:90].strip("-")
    slug, n = base, 1
    while Quiz.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _quiz_settings(contest: Contest, audience: str) -> dict:
    return {
        "audience": audience,
        "time_limit_seconds": contest.time_limit_minutes * 60,
        "attempts_allowed": contest.attempts_per_round,
        "scoring_rule": contest.scoring_rule,
        # A contest quiz has no pass mark; its answers are shown once the round has closed.
        "pass_mark_percent": 0,
        "review_policy": ReviewPolicy.AFTER_CLOSE,
        "shuffle_questions": True,
        "shuffle_choices": True,
    }


def _quiz_make(contest: Contest, *, number: int, label: str, opens_at: datetime, closes_at: datetime,
               audience: str, staff: bool) -> Quiz:
    suffix = "-can-bo" if staff else ""
    title = f"{contest.title} — {label}" + (f" ({_('staff')})" if staff else "")
    quiz = Quiz.objects.create(slug=_free_slug(f"{contest.slug}-vong-{number}{suffix}"), title=title[:200],
                               opens_at=opens_at, closes_at=closes_at, **_quiz_settings(contest, audience))
    _draw_rules_copy(contest, quiz)
    return quiz


def _draw_rules_copy(contest: Contest, quiz: Quiz) -> None:
    quiz.draw_rules.all().delete()
    QuizDrawRule.objects.bulk_create(QuizDrawRule(quiz=quiz, topic_id=rule.topic_id, count=rule.count)
                                     for rule in contest.draw_rules.all() if rule.count > 0)


def round_has_attempts(round_: Round) -> bool:
    return any(quiz.attempts.exists() for quiz in round_.quizzes())


def round_quizzes_sync(round_: Round) -> bool:
    """Make the round's quizzes say what the contest says. A round with attempts is left as it
    is: its participants started under its rules. Returns whether the round was changed."""
    if round_.is_final or round_has_attempts(round_):
        return False
    contest = round_.contest
    main = QUIZ_AUDIENCE[ContestAudience(contest.audience)]
    for field, value in _quiz_settings(contest, main).items():
        setattr(round_.quiz, field, value)
    round_.quiz.title = f"{contest.title} — {round_.label}"[:200]
    round_.quiz.save()
    _draw_rules_copy(contest, round_.quiz)
    wants_staff = has_staff_pool(audience=contest.audience, staff_pool=contest.staff_pool)
    if wants_staff and round_.staff_quiz is None:
        round_.staff_quiz = _quiz_make(contest, number=round_.number, label=round_.label, opens_at=round_.opens_at,
                                       closes_at=round_.closes_at, audience=Audience.STAFF, staff=True)
        round_.save(update_fields=["staff_quiz"])
    elif wants_staff:
        for field, value in _quiz_settings(contest, Audience.STAFF).items():
            setattr(round_.staff_quiz, field, value)
        round_.staff_quiz.save()
        _draw_rules_copy(contest, round_.staff_quiz)
    elif round_.staff_quiz is not None:
        staff_quiz = round_.staff_quiz
        round_.staff_quiz = None
        round_.save(update_fields=["staff_quiz"])
        staff_quiz.delete()
    return True


# --- Contest -----------------------------------------------------------------------------------


def _values(obj: Contest | Round | None, fields: list[str]) -> dict:
    if obj is None:
        return {}
    return {f: (v.isoformat() if isinstance(v, datetime) else v) for f in fields for v in [getattr(obj, f)]}


def _changes(before: dict, after: dict) -> dict:
    return {f: [before.get(f), after[f]] for f in after if before.get(f) != after[f]}


def contest_save(*, actor: User, contest: Contest, counts: dict[int, int]) -> Contest:
    """Create or update a contest with its questions per topic (topic id → count), then bring the
    quizzes of its rounds without attempts in line. Refused (nothing saved) when a topic's pool
    is too small for its draw."""
    draw_check(audience=contest.audience, staff_pool=contest.staff_pool, counts=counts)
    creating = contest.pk is None
    before = {} if creating else _values(Contest.objects.get(pk=contest.pk), CONTEST_FIELDS)
    before_counts = {} if creating else {str(k): v for k, v in contest_counts(contest).items()}
    with transaction.atomic():
        contest.save()
        contest.draw_rules.all().delete()
        ContestDrawRule.objects.bulk_create(ContestDrawRule(contest=contest, topic_id=topic_id, count=n)
                                            for topic_id, n in sorted(counts.items()) if n > 0)
        synced = [r.number for r in contest.rounds.select_related("quiz", "staff_quiz") if round_quizzes_sync(r)]
        if contest.is_published:
            # A published contest's new draw must not overlap a pool another quiz reviews (the
            # refusal rolls this save back).
            contest_publish_check(contest)
        after_counts = {str(k): v for k, v in sorted(counts.items()) if v > 0}
        data = {"changed": _changes(before, _values(contest, CONTEST_FIELDS)), "rounds_updated": synced}
        if after_counts != before_counts:
            data["questions_per_topic"] = [before_counts, after_counts]
        audit_log(actor=actor, action="contest.create" if creating else "contest.update", obj=contest,
                  summary=contest.title, data=data)
    return contest


def contest_prizes_save(*, actor: User, contest: Contest) -> Contest:
    """Save the prize settings the ranking reads at close: individual_prizes is the sum of the
    counts per rank. Prizes already awarded are not changed."""
    before = _values(Contest.objects.get(pk=contest.pk), PRIZE_FIELDS)
    contest.individual_prizes = (contest.first_prizes + contest.second_prizes + contest.third_prizes
                                 + contest.consolation_prizes)
    with transaction.atomic():
        contest.save(update_fields=[*PRIZE_FIELDS, "individual_prizes"])
        audit_log(actor=actor, action="contest.prizes_update", obj=contest, summary=contest.title,
                  data={"changed": _changes(before, _values(contest, PRIZE_FIELDS))})
    return contest


def _rounds_pools_check(contest: Contest) -> None:
    """Each round still to be ranked must be able to draw its questions from today's bank."""
    for round_ in contest.rounds.select_related("quiz", "staff_quiz").prefetch_related(
            "quiz__draw_rules__topic", "staff_quiz__draw_rules__topic"):
        if round_.is_final:
            continue
        for quiz in round_.quizzes():
            rules = list(quiz.draw_rules.all())
            available = draw_shortfalls(audience=quiz.audience, counts={r.topic_id: r.count for r in rules})
            short = [rule for rule in rules if rule.topic_id in available]
            if short:
                raise PoolTooSmall(_("%(round)s cannot draw its questions: %(topics)s.") % {
                    "round": round_.label,
                    "topics": "; ".join(_("%(topic)s needs %(count)s, %(available)s published") % {
                        "topic": r.topic.name, "count": r.count, "available": available[r.topic_id]}
                        for r in short)})


def contest_publish(*, actor: User, contest: Contest) -> Contest:
    """Open the contest to the public: refused without rounds, when a round cannot draw, or when
    its pool overlaps what another quiz reviews (ContestPoolOverlap)."""
    if not contest.rounds.exists():
        raise NoRounds()
    _rounds_pools_check(contest)
    # Fairness (contests/fairness.py): refused when another quiz would show the right answers of
    # questions in this contest's pool to people who can take it, with the questions listed.
    contest_publish_check(contest)
    with transaction.atomic():
        contest.is_published = True
        contest.save(update_fields=["is_published"])
        audit_log(actor=actor, action="contest.publish", obj=contest, summary=contest.title)
    return contest


def contest_unpublish(*, actor: User, contest: Contest) -> Contest:
    with transaction.atomic():
        contest.is_published = False
        contest.save(update_fields=["is_published"])
        audit_log(actor=actor, action="contest.unpublish", obj=contest, summary=contest.title)
    return contest


# --- Rounds ------------------------------------------------------------------------------------


def local_at(day: date, at: time) -> datetime:
    """That wall-clock time on that day in the site's time zone (Asia/Ho_Chi_Minh has no DST)."""
    return timezone.make_aware(datetime.combine(day, at))


def weekly_windows(*, start: date, count: int) -> list[tuple[datetime, datetime]]:
    """N weekly rounds from `start`: each opens at 00:00 on its first day and closes at 23:59 on
    its seventh, local time."""
    return [(local_at(start + timedelta(weeks=n), ROUND_OPENS),
             local_at(start + timedelta(weeks=n, days=6), ROUND_CLOSES)) for n in range(count)]


def rounds_generate(*, actor: User, contest: Contest, start: date, count: int) -> list[Round]:
    """Add `count` weekly rounds from `start`, numbered after the contest's last round, each with
    its quiz (and staff quiz) made from the contest's settings."""
    if not 1 <= count <= ROUNDS_MAX:
        raise ValueError(count)
    windows = weekly_windows(start=start, count=count)
    first_open, last_close = windows[0][0], windows[-1][1]
    if contest.rounds.filter(opens_at__lt=last_close, closes_at__gt=first_open).exists():
        raise RoundsOverlap()
    with transaction.atomic():
        last = contest.rounds.aggregate(n=Max("number"))["n"] or 0
        main = QUIZ_AUDIENCE[ContestAudience(contest.audience)]
        staff = has_staff_pool(audience=contest.audience, staff_pool=contest.staff_pool)
        made = []
        for offset, (opens_at, closes_at) in enumerate(windows, start=1):
            number = last + offset
            label = _("Round %(number)s") % {"number": number}
            quiz = _quiz_make(contest, number=number, label=label, opens_at=opens_at, closes_at=closes_at,
                              audience=main, staff=False)
            staff_quiz = _quiz_make(contest, number=number, label=label, opens_at=opens_at, closes_at=closes_at,
                                    audience=Audience.STAFF, staff=True) if staff else None
            made.append(Round.objects.create(contest=contest, number=number, opens_at=opens_at, closes_at=closes_at,
                                             quiz=quiz, staff_quiz=staff_quiz))
        if contest.is_published:
            contest_publish_check(contest)
        audit_log(actor=actor, action="contest.rounds_generate", obj=contest, summary=contest.title,
                  data={"rounds": [{"number": r.number, "opens_at": r.opens_at.isoformat(),
                                    "closes_at": r.closes_at.isoformat()} for r in made]})
    return made


def round_update(*, actor: User, round_: Round, now: datetime | None = None) -> Round:
    """Save a round's title and times (set on `round_` by the form). A close moved earlier cuts
    the attempts in flight to the new close (Round.sync_quiz_windows, through the engine's
    expiry): those past it and the grace period are closed at once, graded at the new close."""
    now = now or timezone.now()
    stored = Round.objects.get(pk=round_.pk)
    if stored.is_final:
        raise RoundFinal()
    fields = ["title", "opens_at", "closes_at"]
    if round_.closes_at < stored.closes_at:
        # A close moved into the past must not end an attempt before it began: answers given after
        # the close would count, in no time at all.
        starts = [at for quiz in round_.quizzes() if (at := quiz.attempts.aggregate(at=Max("started_at"))["at"])]
        if starts and max(starts) >= round_.closes_at:
            when = timezone.localtime(max(starts)).strftime("%d/%m/%Y %H:%M")
            raise CloseBeforeStarts(_("An attempt at this round started at %(time)s: the round cannot close "
                                      "before that.") % {"time": when})
    before = _values(stored, fields)
    in_flight = sum(quiz.attempts.filter(status=AttemptStatus.OPEN, deadline__gt=round_.closes_at).count()
                    for quiz in round_.quizzes()) if round_.closes_at < stored.closes_at else 0
    with transaction.atomic():
        round_.save(update_fields=fields)
        if round_.title != stored.title and not round_has_attempts(round_):
            round_quizzes_sync(round_)
        audit_log(actor=actor, action="contest.round_update", obj=round_, summary=str(round_)[:200],
                  data={"changed": _changes(before, _values(round_, fields)), "attempts_cut": in_flight})
    return round_
