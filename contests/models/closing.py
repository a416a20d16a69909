"""A run of a round's close: the task queue's job computing the final ranking, the prizes and
the snapshot (contests/closing.py), with its state for the participation page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contests.models.contest import Round


class ClosingStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE = (ClosingStatus.QUEUED, ClosingStatus.RUNNING)


class ClosingStep(models.TextChoices):
    """The close's steps, in order (contests/closing.py runs them)."""

    OVERDUE_ATTEMPTS = "overdue_attempts", _("Grading the attempts still open")
    FLAGS = "flags", _("Checking for suspicious attempts")
    FINAL_RANKS = "final_ranks", _("Computing the final ranking")
    PRIZES = "prizes", _("Awarding the prizes")
    SNAPSHOT = "snapshot", _("Publishing the final ranking and its SHA-256")


class RoundClosing(models.Model):
    """One request to close a round, and how far its run got. A worker that dies mid-way leaves
    it `running` at the last step it finished: the queue presents the task again and the next
    worker goes on from there (every step can be run twice with the same result)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="closings", verbose_name=_("round"))
    status = models.CharField(_("status"), max_length=10, choices=ClosingStatus.choices,
                              default=ClosingStatus.QUEUED)
    # The step running now, or the last one finished; `steps_done` of `steps_total` are finished.
    step = models.CharField(_("step"), max_length=32, choices=ClosingStep.choices, blank=True)
    steps_done = models.PositiveSmallIntegerField(_("steps done"), default=0)
    steps_total = models.PositiveSmallIntegerField(_("steps"), default=0)
    # How many times a worker (or the command) started it: more than one means it was resumed.
    runs = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Set when a rule refused the close (undecided flags, …): a refusal is final, while a crash
    # (empty code) is tried again by the queue.
    error_code = models.CharField(max_length=40, blank=True)
    override_reason = models.TextField(
        _("reason to close with undecided flags"), blank=True,
        help_text=_("Given by the organiser to award the prizes before every suspicion flag is decided."),
    )
    task_id = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("round close")
        verbose_name_plural = _("round closes")
        constraints = [
            # One run at a time per round: a second click, or the command beside a worker, waits.
            models.UniqueConstraint(fields=["round"], condition=Q(status__in=["queued", "running"]),
                                    name="round_closing_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.status} {self.step} ({self.steps_done}/{self.steps_total})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0
