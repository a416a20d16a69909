"""Fairness: nothing may give a live contest's answers away (issue 12, "Fairness rules").

A contest is **live** while one of its rounds is open or still to come: the round's close, plus
the grace period that answers in flight get, is not past and its final ranking is not computed.
Only published contests count, except the contest a publish check is asked about.

Its **pool** is every question the quizzes of all its rounds (`Round.quiz`, `Round.staff_quiz`)
can draw (`quizzes.services.attempts.draw_pool`: the fixed questions, else the published
questions of the draw rules' topics for the quiz's audience). All its rounds, closed ones too:
round 1's review would otherwise give away rounds 2–4, which draw from the same topics.

Who **can take** it: its audience (`Contest.admits`). The age floor is left out on purpose: a
person's birth year is theirs to edit, so it keeps nobody out for sure.

What follows (the one place for it):
- `review_withheld`, the receiver of the engine's `answer_review_withheld`: an attempt's review,
  on any page or the API, hides the right answers and explanations of pool questions from a
  person who can take a live contest, until its last round has closed.
- `quiz_publish_check` and `contest_publish_check`: publishing a quiz whose review would show a
  live pool's answers, or a contest whose pool another quiz would show, is refused with the
  overlapping questions listed (the organiser makes the pools disjoint, or changes the review).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import is_staff_member
from contests.errors import ContestPoolOverlap, QuizPoolOverlap
from contests.models import QUIZ_ROUND, Contest, Round
from quizzes.models import Attempt, Audience, Question, Quiz, ReviewPolicy
from quizzes.services.attempts import draw_pool
from quizzes.signals import Withheld


@dataclass
class LivePool:
    contest: Contest
    quizzes: list[Quiz] = field(default_factory=list)
    # When the contest's last round closes: the answers are hidden until then.
    ends_at: datetime | None = None

    def filter(self) -> Q:
        return reduce(or_, (draw_pool(quiz) for quiz in self.quizzes), Q(pk__in=[]))


def _grace() -> timedelta:
    return timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS)


def live_pools(*, contest: Contest | None = None, now: datetime | None = None) -> list[LivePool]:
    """The live contests (or the given one, published or not, if it is live) with the quizzes of
    all their rounds. Three queries: the quizzes with their round and contest, their draw rules,
    their fixed questions (one when no contest is live)."""
    now = now or timezone.now()
    live = Round.objects.filter(closed_at__isnull=True, closes_at__gt=now - _grace())
    live = live.filter(contest=contest) if contest is not None else live.filter(contest__is_published=True)
    contest_ids = live.values("contest_id")
    quizzes = (Quiz.objects.filter(Q(contest_round__contest_id__in=contest_ids)
                                   | Q(contest_round_for_staff__contest_id__in=contest_ids))
               .select_related(*QUIZ_ROUND).prefetch_related("draw_rules", "fixed_questions").order_by("pk"))
    pools: dict[int, LivePool] = {}
    for quiz in quizzes:
        round_ = Round.objects.for_quiz(quiz)  # read with the quiz: no query
        pool = pools.setdefault(round_.contest_id, LivePool(contest=round_.contest))
        pool.quizzes.append(quiz)
        # Every round has its quiz here, so the latest close among them is the last round's.
        pool.ends_at = max(pool.ends_at or round_.closes_at, round_.closes_at)
    return list(pools.values())


def _any(pools: list[LivePool]) -> Q:
    return reduce(or_, (pool.filter() for pool in pools), Q(pk__in=[]))


def live_pool_question_ids(*, contest: Contest | None = None) -> set[int]:
    """Ids of the questions in the pool of any live contest (or of the given one, if it is live)."""
    pools = live_pools(contest=contest)
    if not pools:
        return set()
    return set(Question.objects.filter(_any(pools)).values_list("pk", flat=True))


# --- Review withheld ---------------------------------------------------------------------------


def review_withheld(sender, attempt: Attempt, user: User, question_ids: frozenset[int], **kwargs) -> list[Withheld]:
    """answer_review_withheld: the attempt's questions that are in the pool of a live contest this
    person can take, one Withheld per contest (its name and when its last round closes). Any
    attempt: a module quiz sharing the bank, another contest's round, this contest's own round."""
    pools = live_pools() if question_ids else []
    if not pools:
        return []
    staff = is_staff_member(user)  # asked only now: it reads the person's groups
    pools = [pool for pool in pools if pool.contest.admits(staff=staff)]
    withheld = []
    for pool in pools:
        ids = frozenset(Question.objects.filter(pk__in=question_ids).filter(pool.filter())
                        .values_list("pk", flat=True))
        if ids:
            withheld.append(Withheld(question_ids=ids, until=pool.ends_at, reason=_(
                "The right answers and explanations of %(count)s questions are hidden: they can also be drawn "
                "in the contest “%(contest)s”, which you can take part in and which has rounds still open or "
                "to come. They are shown once its last round has closed, on %(date)s."
            ) % {"count": len(ids), "contest": pool.contest.title,
                 "date": formats.date_format(timezone.localtime(pool.ends_at), "d/m/Y H:i")}))
    return withheld


# --- Publishing refused ------------------------------------------------------------------------


def _reviewable_before(quiz: Quiz, ends_at: datetime) -> bool:
    """Whether the quiz's review can show right answers before `ends_at`."""
    if quiz.review_policy == ReviewPolicy.IMMEDIATELY:
        return True
    if quiz.review_policy == ReviewPolicy.AFTER_CLOSE:
        return quiz.closes_at is not None and quiz.closes_at < ends_at
    return False


def _audiences_meet(quiz: Quiz, contest: Contest) -> bool:
    """Whether someone may take both: a staff quiz is for staff only, any other quiz for everyone
    logged in (quizzes.access)."""
    return contest.admits(staff=True) if quiz.audience == Audience.STAFF else True


def _still_taken(quiz: Quiz, now: datetime) -> bool:
    # A closed quiz starts no attempt: the reviews of its past attempts are withheld instead.
    return quiz.closes_at is None or quiz.closes_at > now


def quiz_publish_check(quiz: Quiz) -> None:
    """Refuse (QuizPoolOverlap) to publish a quiz whose review would show the right answer of a
    question in the pool of a live contest that its takers can take part in. The quiz's own
    contest, for a round's quiz, is left out: its review is withheld while the contest is live.
    Reads the quiz's draw rules and fixed questions as saved: call it after saving them (in the
    transaction that the refusal rolls back)."""
    now = timezone.now()
    if not _still_taken(quiz, now):
        return
    own = Round.objects.for_quiz(quiz)
    pools = [pool for pool in live_pools(now=now)
             if (own is None or pool.contest.pk != own.contest_id)
             and _audiences_meet(quiz, pool.contest) and _reviewable_before(quiz, pool.ends_at)]
    if not pools:
        return
    quiz = Quiz.objects.prefetch_related("draw_rules", "fixed_questions").get(pk=quiz.pk)
    mine = Question.objects.filter(draw_pool(quiz))
    overlap, contests = {}, []
    for pool in pools:
        found = list(mine.filter(pool.filter()).order_by("pk"))
        if found:
            contests.append(pool.contest)
            overlap.update((q.pk, q) for q in found)
    if overlap:
        raise QuizPoolOverlap(questions=[overlap[pk] for pk in sorted(overlap)], conflicts=contests)


def contest_publish_check(contest: Contest) -> None:
    """Refuse (ContestPoolOverlap) to publish a contest whose pool has questions that another quiz
    still taken shows with their right answers before the contest's last round closes, to people
    the contest admits. A contest with no round open or to come has nothing left to protect.
    Every such quiz counts, a draft module's too: the engine cannot tell who will reach it."""
    now = timezone.now()
    pools = live_pools(contest=contest, now=now)
    if not pools:
        return
    pool = pools[0]
    reviewable = Q(review_policy=ReviewPolicy.IMMEDIATELY) | Q(review_policy=ReviewPolicy.AFTER_CLOSE,
                                                                closes_at__lt=pool.ends_at)
    others = [quiz for quiz in (Quiz.objects.exclude(pk__in=[q.pk for q in pool.quizzes]).filter(reviewable)
                                .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
                                .prefetch_related("draw_rules", "fixed_questions").order_by("title", "pk"))
              if _audiences_meet(quiz, contest)]
    if not others:
        return
    contest_pool = Question.objects.filter(pool.filter())
    overlap = list(contest_pool.filter(reduce(or_, (draw_pool(q) for q in others))).order_by("pk"))
    if not overlap:
        return
    # Refused: name the quizzes that show them (one query each, only now).
    ids = [q.pk for q in overlap]
    quizzes = [quiz for quiz in others if contest_pool.filter(pk__in=ids).filter(draw_pool(quiz)).exists()]
    raise ContestPoolOverlap(questions=overlap, conflicts=quizzes)
