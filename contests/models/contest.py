"""Contests and their rounds, and the prediction given with each attempt.

The tables keep the names they had when contests lived inside the quizzes app (Meta.db_table):
the move to an app of its own changed no row (migrations contests/0001 and quizzes/0008).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from quizzes.models import Attempt, Quiz, ScoringRule, Topic
from quizzes.services.attempts import attempts_cut_to_close


class ContestAudience(models.TextChoices):
    RESIDENTS = "residents", _("Residents")
    STAFF = "staff", _("Staff")
    BOTH = "both", _("Residents and staff")


class PredictionKind(models.TextChoices):
    PARTICIPANTS = "participants", _("How many people will take part in this round")
    ALL_CORRECT = "all_correct", _("How many people will answer every question correctly in this round")


class RankingRule(models.TextChoices):
    """What separates people with the same score in the final ranking (the submission time, then
    the standing's id, always come last)."""

    PREDICTION_FIRST = "prediction_first", _("Score, then the prediction, then the time taken")
    TIME_FIRST = "time_first", _("Score, then the time taken, then the prediction")


TIME_LIMIT_MINUTES_MAX = 180
ATTEMPTS_PER_ROUND_MAX = 10


class ContestQuerySet(models.QuerySet):
    def published(self) -> ContestQuerySet:
        return self.filter(is_published=True)


class Contest(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    rules = models.TextField(_("rules"), blank=True, help_text=_("The contest's rules as published (thể lệ)."))
    is_published = models.BooleanField(_("published"), default=False)
    audience = models.CharField(_("who may take part"), max_length=10, choices=ContestAudience.choices,
                                default=ContestAudience.BOTH)
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True,
        help_text=_("Counted from the birth year, in the year the round opens. Empty: no minimum."),
    )
    exclude_organisers_from_prizes = models.BooleanField(
        _("organisers and their staff cannot win prizes"), default=True,
    )
    organising_units = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name=_("organising units"),
        help_text=_("Members of these units (and the units under them) cannot win prizes when the "
                    "option above is on."),
    )
    assisted_attempts_win_prizes = models.BooleanField(
        _("assisted attempts can win prizes"), default=True,
        help_text=_("An assisted attempt is one a village officer took with a resident on the officer's device "
                    "(assisted mode). Untick to keep such attempts ranked but out of the individual prizes."),
    )
    prediction_kind = models.CharField(_("prediction question"), max_length=12, choices=PredictionKind.choices,
                                       default=PredictionKind.PARTICIPANTS)
    ranking_rule = models.CharField(_("ranking rule"), max_length=20, choices=RankingRule.choices,
                                    default=RankingRule.PREDICTION_FIRST)
    # What each round's quiz is made from (contests/authoring.py keeps the quizzes in step): the
    # organiser sets the contest, never a quiz.
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), default=15,
        validators=[MinValueValidator(1), MaxValueValidator(TIME_LIMIT_MINUTES_MAX)],
    )
    attempts_per_round = models.PositiveSmallIntegerField(
        _("attempts per round"), default=1,
        validators=[MinValueValidator(1), MaxValueValidator(ATTEMPTS_PER_ROUND_MAX)],
    )
    scoring_rule = models.CharField(_("attempt that counts"), max_length=10, choices=ScoringRule.choices,
                                    default=ScoringRule.HIGHEST)
    staff_pool = models.BooleanField(
        _("staff draw from a pool of their own"), default=False,
        help_text=_("Staff then also get the questions written for staff; residents only ever get the "
                    "questions written for everyone."),
    )
    # Individual prizes by rank: the first N places are first prizes, then second, third, then
    # consolation prizes. individual_prizes (what the ranking reads) is their sum.
    first_prizes = models.PositiveSmallIntegerField(_("first prizes"), default=1)
    second_prizes = models.PositiveSmallIntegerField(_("second prizes"), default=1)
    third_prizes = models.PositiveSmallIntegerField(_("third prizes"), default=1)
    consolation_prizes = models.PositiveSmallIntegerField(_("consolation prizes"), default=0)
    individual_prizes = models.PositiveSmallIntegerField(_("individual prizes per round"), default=3)
    split_prizes = models.BooleanField(
        _("separate individual prizes for staff and residents"), default=False,
    )
    staff_prizes = models.PositiveSmallIntegerField(_("individual prizes for staff"), default=0)
    resident_prizes = models.PositiveSmallIntegerField(_("individual prizes for residents"), default=0)
    unit_prizes = models.PositiveSmallIntegerField(_("unit prizes per round"), default=3)
    unit_min_participation_percent = models.PositiveSmallIntegerField(
        _("minimum participation for a unit prize (%)"), default=50,
    )
    suspicious_seconds_per_question = models.PositiveSmallIntegerField(
        _("flag perfect scores faster than (seconds per question)"), default=3,
        help_text=_("A perfect score in less than this many seconds per question goes to the review "
                    "queue. 0: never flag."),
    )
    suspicious_accounts_per_device = models.PositiveSmallIntegerField(
        _("flag this many accounts from one device"), default=3,
        help_text=_("When this many different accounts take a round from the same network address "
                    "and browser, their attempts go to the review queue. 0: never flag."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ContestQuerySet.as_manager()

    class Meta:
        db_table = "quizzes_contest"
        ordering = ["-created_at"]
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        constraints = [
            models.CheckConstraint(condition=Q(unit_min_participation_percent__lte=100),
                                   name="contest_unit_threshold_max_100"),
        ]

    def __str__(self) -> str:
        return self.title

    def admits(self, *, staff: bool) -> bool:
        """Whether the contest's audience takes in a staff member (staff=True) or a resident."""
        if self.audience == ContestAudience.RESIDENTS:
            return not staff
        if self.audience == ContestAudience.STAFF:
            return staff
        return True

    @property
    def prize_tiers(self) -> list[tuple[str, int]]:
        return [(str(_("First prize")), self.first_prizes), (str(_("Second prize")), self.second_prizes),
                (str(_("Third prize")), self.third_prizes), (str(_("Consolation prize")), self.consolation_prizes)]

    def prize_tier(self, place: int) -> str:
        """The name of the individual prize at this place (1 = the first winner)."""
        for name, count in self.prize_tiers:
            if place <= count:
                return name
            place -= count
        return ""


class ContestDrawRule(models.Model):
    """How many questions of a topic each round draws. Copied into every round's quiz
    (QuizDrawRule) by contests/authoring.py."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="draw_rules")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("topic"))
    count = models.PositiveSmallIntegerField(_("questions per round"))

    class Meta:
        ordering = ["topic__name", "pk"]
        verbose_name = _("questions per topic")
        verbose_name_plural = _("questions per topic")
        constraints = [models.UniqueConstraint(fields=["contest", "topic"], name="contest_draw_rule_once_per_topic")]

    def __str__(self) -> str:
        return f"{self.count} × {self.topic}"


class RoundQuerySet(models.QuerySet):
    def open_now(self, at: datetime | None = None) -> RoundQuerySet:
        """Rounds of published contests taking part now (Round.is_open, as a query), closing
        soonest first: what the home page leads with."""
        at = at or timezone.now()
        return self.filter(contest__is_published=True, opens_at__lte=at, closes_at__gt=at,
                           closed_at__isnull=True).order_by("closes_at", "pk")

    def for_quiz(self, quiz: Quiz | int) -> Round | None:
        """The round whose quiz (or staff quiz) this is, or None: how pages and the receivers of
        the engine's signals tell a round's quiz from any other. One query; none when the quiz
        was read with select_related(*QUIZ_ROUND) (for an attempt, "quiz__" before each), since
        its relations then say."""
        if isinstance(quiz, Quiz) and all(getattr(Quiz, name).is_cached(quiz) for name in _QUIZ_RELATIONS):
            return getattr(quiz, "contest_round", None) or getattr(quiz, "contest_round_for_staff", None)
        return self.filter(Q(quiz=quiz) | Q(staff_quiz=quiz)).first()


_QUIZ_RELATIONS = ("contest_round", "contest_round_for_staff")
QUIZ_ROUND = tuple(f"{name}__contest" for name in _QUIZ_RELATIONS)


class Round(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round number"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    # The quiz carries the draw rules per topic, time limit, attempts allowed and scoring rule.
    quiz = models.OneToOneField(Quiz, on_delete=models.PROTECT, related_name="contest_round",
                                verbose_name=_("quiz"))
    # An optional separate question pool for staff; everyone else takes `quiz`.
    staff_quiz = models.OneToOneField(
        Quiz, on_delete=models.PROTECT, null=True, blank=True, related_name="contest_round_for_staff",
        verbose_name=_("separate quiz for staff"),
    )
    closed_at = models.DateTimeField(_("final ranking computed at"), null=True, blank=True)
    actual_figure = models.PositiveIntegerField(_("actual figure for the prediction"), null=True, blank=True)
    snapshot_name = models.CharField(_("snapshot file"), max_length=255, blank=True)
    snapshot_sha256 = models.CharField(_("SHA-256 of the snapshot"), max_length=64, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        db_table = "quizzes_round"
        ordering = ["contest", "number"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="round_number_unique"),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_opens"),
        ]

    def __str__(self) -> str:
        return f"{self.contest} — {self.label}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self.sync_quiz_windows()

    def clean(self) -> None:
        errors = {}
        if self.quiz_id and self.quiz_id == self.staff_quiz_id:
            errors["staff_quiz"] = _("The staff quiz must be another quiz than the round's quiz.")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("A round must close after it opens.")
        if errors:
            raise ValidationError(errors)

    @property
    def label(self) -> str:
        return self.title or str(_("Round %(number)s") % {"number": self.number})

    @property
    def is_final(self) -> bool:
        return self.closed_at is not None

    def is_open(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at and not self.is_final

    def has_ended(self, at: datetime | None = None) -> bool:
        return (at or timezone.now()) >= self.closes_at

    @property
    def close_available_at(self) -> datetime:
        """When the final ranking may be computed: the close plus the grace in which answers
        already in flight are still accepted (ATTEMPT_GRACE_SECONDS)."""
        return self.closes_at + timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS)

    def can_be_closed(self, at: datetime | None = None) -> bool:
        return (at or timezone.now()) >= self.close_available_at

    def quizzes(self) -> list[Quiz]:
        return [q for q in (self.quiz, self.staff_quiz) if q is not None]

    def sync_quiz_windows(self) -> None:
        """The engine refuses starts outside a quiz's window and cuts deadlines at its close:
        keep each quiz's window the round's. A close moved earlier cuts the deadlines of the
        attempts in flight to it (with the grace period, like any deadline), so none stays open
        past the round's close and into its final ranking."""
        for quiz in self.quizzes():
            if quiz.opens_at != self.opens_at or quiz.closes_at != self.closes_at:
                earlier = quiz.closes_at is not None and self.closes_at < quiz.closes_at
                quiz.opens_at, quiz.closes_at = self.opens_at, self.closes_at
                quiz.save(update_fields=["opens_at", "closes_at"])
                if earlier:
                    attempts_cut_to_close(quiz=quiz)


class Prediction(models.Model):
    """The tie-break guess given with one attempt. Per attempt, because the attempt that counts
    (and so the guess that counts) can change with a later attempt."""

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="contest_prediction")
    value = models.PositiveIntegerField(_("prediction"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "quizzes_prediction"
        verbose_name = _("prediction")
        verbose_name_plural = _("predictions")

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.value}"
