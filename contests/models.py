"""Contests, their rounds, and the standings leaderboards read.

The tables keep the names they had when contests lived inside the quizzes app (Meta.db_table):
the move to an app of its own changed no row (migrations contests/0001 and quizzes/0008).

Leaderboards never aggregate attempts. The `attempt_finished` receiver (receivers.py) keeps, in
the grading transaction:
- Standing: one row per person per round (the counted attempt's figures);
- RankBucket: how many standings share a (score, whole second) pair, so a person's provisional
  rank is a sum over at most (questions + 1) × (time limit in seconds) small rows plus a count
  inside one bucket, whatever the number of participants;
- UnitStanding: participants and score sum per unit, so a unit table reads one row per unit;
- ContestStanding: the totals across rounds, for the overall leaderboard.
The final ranking is computed once, at close, into Standing.final_rank.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from accounts.privacy import public_name, public_unit
from quizzes.models import Attempt, Quiz


class ContestAudience(models.TextChoices):
    RESIDENTS = "residents", _("Residents")
    STAFF = "staff", _("Staff")
    BOTH = "both", _("Residents and staff")


class PredictionKind(models.TextChoices):
    PARTICIPANTS = "participants", _("How many people will take part in this round")
    ALL_CORRECT = "all_correct", _("How many people will answer every question correctly in this round")


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
    prediction_kind = models.CharField(_("prediction question"), max_length=12, choices=PredictionKind.choices,
                                       default=PredictionKind.PARTICIPANTS)
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


class RoundQuerySet(models.QuerySet):
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

    def quizzes(self) -> list[Quiz]:
        return [q for q in (self.quiz, self.staff_quiz) if q is not None]

    def sync_quiz_windows(self) -> None:
        """The engine refuses starts outside a quiz's window and cuts deadlines at its close:
        keep each quiz's window the round's."""
        for quiz in self.quizzes():
            if quiz.opens_at != self.opens_at or quiz.closes_at != self.closes_at:
                quiz.opens_at, quiz.closes_at = self.opens_at, self.closes_at
                quiz.save(update_fields=["opens_at", "closes_at"])


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


class Standing(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="standings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contest_standings")
    # The unit when the person first finished an attempt of the round: a later move does not
    # carry their score to another unit's table mid-round.
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, related_name="+")
    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="+")
    attempts_count = models.PositiveSmallIntegerField(default=1)
    score = models.PositiveSmallIntegerField(_("score"))
    max_score = models.PositiveSmallIntegerField(_("questions"))
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"))
    submitted_at = models.DateTimeField(_("submitted at"))
    prediction = models.PositiveIntegerField(_("prediction"), null=True, blank=True)
    prediction_error = models.PositiveIntegerField(_("prediction error"), null=True, blank=True)
    final_rank = models.PositiveIntegerField(_("final rank"), null=True, blank=True)
    is_staff_member = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "quizzes_standing"
        verbose_name = _("standing")
        verbose_name_plural = _("standings")
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="standing_once_per_round")]
        indexes = [
            # The provisional order (score, then time): top-N is an index range read.
            models.Index(fields=["round", "-score", "duration_ms", "submitted_at", "id"],
                         name="standing_provisional_idx"),
            models.Index(fields=["round", "final_rank"], name="standing_final_idx"),
            models.Index(fields=["round", "is_staff_member", "final_rank"], name="standing_final_split_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.user_id}: {self.score}"

    @property
    def duration_s(self) -> int:
        return self.duration_ms // 1000


class RankBucket(models.Model):
    """How many standings of a round have this score and this whole number of seconds."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    duration_s = models.PositiveIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        db_table = "quizzes_rankbucket"
        constraints = [
            models.UniqueConstraint(fields=["round", "score", "duration_s"], name="rank_bucket_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.score}/{self.duration_s}s ×{self.count}"


class UnitStanding(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="unit_standings")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    participants = models.PositiveIntegerField(default=0)
    score_sum = models.PositiveBigIntegerField(default=0)

    class Meta:
        db_table = "quizzes_unitstanding"
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="unit_standing_unique")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.unit_id}: {self.participants}"


class ContestStanding(models.Model):
    """A person's totals across the rounds of a contest (the overall leaderboard)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="standings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rounds = models.PositiveSmallIntegerField(default=0)
    total_score = models.PositiveIntegerField(default=0)
    total_duration_ms = models.PositiveBigIntegerField(default=0)

    class Meta:
        db_table = "quizzes_conteststanding"
        constraints = [models.UniqueConstraint(fields=["contest", "user"], name="contest_standing_unique")]
        indexes = [
            models.Index(fields=["contest", "-total_score", "total_duration_ms", "id"],
                         name="contest_standing_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.contest_id}/{self.user_id}: {self.total_score}"


class PrizeKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    UNIT = "unit", _("Unit")


class PrizeCategory(models.TextChoices):
    ALL = "all", _("Everyone")
    STAFF = "staff", _("Staff")
    RESIDENTS = "residents", _("Residents")


class Prize(models.Model):
    """A prize awarded at close. Rebuilt whole by every close, so a re-run gives the same list."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="prizes", verbose_name=_("round"))
    kind = models.CharField(_("prize kind"), max_length=10, choices=PrizeKind.choices)
    category = models.CharField(_("prize category"), max_length=10, choices=PrizeCategory.choices,
                                default=PrizeCategory.ALL)
    place = models.PositiveSmallIntegerField(_("place"))
    standing = models.ForeignKey(Standing, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("winner"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"))
    participants = models.PositiveIntegerField(_("participants"), default=0)
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    mean_score = models.DecimalField(_("mean score"), max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        db_table = "quizzes_prize"
        verbose_name = _("prize")
        verbose_name_plural = _("prizes")
        ordering = ["round", "kind", "category", "place"]
        constraints = [
            models.UniqueConstraint(fields=["round", "kind", "category", "place"], name="prize_place_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.kind}/{self.category} #{self.place}"

    @property
    def winner_name(self) -> str:
        return public_name(self.standing.user) if self.standing_id else ""

    @property
    def winner_unit(self) -> str:
        return public_unit(self.standing.user, self.unit.name if self.unit_id else "") if self.standing_id else ""

    @property
    def rate(self) -> Decimal | None:
        if not self.headcount:
            return None
        return (Decimal(100) * self.participants / self.headcount).quantize(Decimal("0.1"), ROUND_HALF_UP)


class SuspicionKind(models.TextChoices):
    FAST_PERFECT = "fast_perfect", _("Perfect score, implausibly fast")
    SHARED_DEVICE = "shared_device", _("Many accounts from one device")
    SAME_ANSWERS = "same_answers", _("Identical answers with near-identical timings")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("To review")
    CONFIRMED = "confirmed", _("Confirmed: no prize")
    CLEARED = "cleared", _("Cleared")


class SuspicionFlag(models.Model):
    """A counted attempt that a detector found suspicious (suspicion.py). An organiser confirms
    it (the person gets no prize in the round) or clears it, with a reason. Computing the
    flags again keeps every decision."""

    # round and user repeat what the attempt knows, so the queue filters and the prize list's
    # exclusion are single indexed reads.
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="flags")
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=SuspicionKind.choices)
    details = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("flagged at"), default=timezone.now)

    class Meta:
        db_table = "quizzes_suspicionflag"
        ordering = ["round", "kind", "id"]
        verbose_name = _("suspicion flag")
        verbose_name_plural = _("suspicion flags")
        constraints = [models.UniqueConstraint(fields=["attempt", "kind"], name="suspicion_flag_once_per_kind")]
        indexes = [models.Index(fields=["round", "status", "kind"], name="suspicion_flag_queue_idx")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.attempt_id}: {self.kind} ({self.status})"
