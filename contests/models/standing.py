"""The standings leaderboards read, and the prizes awarded at close.

Leaderboards never aggregate attempts. The attempt_finished receiver (standings.standing_refresh)
keeps, in the grading transaction:
- Standing: one row per person per round (the counted attempt's figures);
- RankBucket: how many standings share a (score, whole second) pair, so a person's provisional
  rank is a sum over at most (questions + 1) × (time limit in seconds) small rows plus a count
  inside one bucket, whatever the number of participants;
- UnitStanding: participants and score sum per unit, so a unit table reads one row per unit;
- ContestStanding: the totals across rounds, for the overall leaderboard.
The final ranking is computed once, at close, into Standing.final_rank.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from accounts.privacy import public_name, public_unit
from contests.models.contest import Contest, Round
from quizzes.models import Attempt


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
