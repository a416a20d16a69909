"""Suspicion flags: counted attempts a detector found suspicious (suspicion.py), for organisers
to confirm or clear."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contests.models.contest import Round
from quizzes.models import Attempt


class SuspicionKind(models.TextChoices):
    FAST_PERFECT = "fast_perfect", _("Perfect score, implausibly fast")
    SHARED_DEVICE = "shared_device", _("Many accounts from one device")
    SAME_ANSWERS = "same_answers", _("Identical answers with near-identical timings")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("To review")
    CONFIRMED = "confirmed", _("Confirmed: no prize")
    CLEARED = "cleared", _("Cleared")


class SuspicionFlagQuerySet(models.QuerySet):
    def confirmed_user_ids(self, round_: Round) -> set[int]:
        """The people a confirmed flag keeps out of the round's prizes."""
        return set(self.filter(round=round_, status=FlagStatus.CONFIRMED).values_list("user_id", flat=True))


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

    objects = SuspicionFlagQuerySet.as_manager()

    class Meta:
        db_table = "quizzes_suspicionflag"
        ordering = ["round", "kind", "id"]
        verbose_name = _("suspicion flag")
        verbose_name_plural = _("suspicion flags")
        constraints = [models.UniqueConstraint(fields=["attempt", "kind"], name="suspicion_flag_once_per_kind")]
        indexes = [models.Index(fields=["round", "status", "kind"], name="suspicion_flag_queue_idx")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.attempt_id}: {self.kind} ({self.status})"
