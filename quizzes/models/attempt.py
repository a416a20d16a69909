"""One person taking one quiz. Everything shown is frozen at start (AttemptQuestion), so editing
the bank never changes a past attempt, and grading reads only the snapshot."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes.models.bank import Question, QuestionType
from quizzes.models.quiz import Quiz


class AttemptStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    EXPIRED = "expired", _("Closed at the deadline")


class AttemptQuerySet(models.QuerySet):
    def finished(self) -> AttemptQuerySet:
        return self.exclude(status=AttemptStatus.OPEN)

    def overdue(self, grace_seconds: int) -> AttemptQuerySet:
        cutoff = timezone.now() - timezone.timedelta(seconds=grace_seconds)
        return self.filter(status=AttemptStatus.OPEN, deadline__lt=cutoff)


class Attempt(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField(_("attempt number"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=AttemptStatus.choices,
                              default=AttemptStatus.OPEN)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Graded on the server at submit; null while open.
    score = models.PositiveSmallIntegerField(_("correct answers"), null=True, blank=True)
    max_score = models.PositiveSmallIntegerField(_("questions"), default=0)
    score_percent = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"), null=True, blank=True)
    # The client's idempotency key of the submit that graded this attempt: a retry with the same
    # key gets the same result.
    submit_key = models.CharField(max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    client_fingerprint = models.CharField(max_length=64, blank=True)
    # Who the person was when the attempt started: their unit, and whether they were staff.
    # Contest standings and the reports count the attempt there, so a later move or role change
    # does not carry it elsewhere, and grading need not ask the person's groups again.
    unit = models.ForeignKey("accounts.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("unit at start"))
    is_staff_member = models.BooleanField(_("staff at start"), default=False)
    # Assisted mode: someone (a village officer) took this attempt with the person, on their own
    # device, at a village hall or the commune office. Shown to organisers; the apps above decide
    # what it means (a contest says whether it may win a prize).
    assisted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("assisted by"))

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            # At most one open attempt per person per quiz, whatever the timing of the requests.
            models.UniqueConstraint(fields=["quiz", "user"], condition=Q(status="open"),
                                    name="attempt_one_open_per_person"),
            models.UniqueConstraint(fields=["quiz", "user", "number"], name="attempt_number_unique"),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="attempt_overdue_idx")]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.number} ({self.user_id})"

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.OPEN

    def seconds_left(self, now=None) -> int:
        now = now or timezone.now()
        return max(0, int((self.deadline - now).total_seconds()))


class AttemptQuestion(models.Model):
    """A question as it was shown in one attempt, with the person's answer.

    `choices` is the snapshot in the order shown: [{"id": <choice pk>, "text": ..., "correct": bool}].
    The "correct" flags stay on the server: serialisers and templates use `public_choices()`.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.SET_NULL, null=True, related_name="attempt_items")
    position = models.PositiveSmallIntegerField()
    type = models.CharField(max_length=12, choices=QuestionType.choices)
    text = models.TextField()
    explanation = models.TextField(blank=True)
    topic_id_snapshot = models.PositiveIntegerField(null=True)
    choices = models.JSONField(default=list)
    selected = models.JSONField(default=list, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    is_correct = models.BooleanField(null=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_item_position_unique"),
        ]
        # No index holds is_correct: grading sets it on every item of an attempt at once, and an
        # index on it spread those writes over one page per question (about 40 of a submit's 54
        # pages on SQLite; no HOT updates on PostgreSQL). Item statistics read by quiz, through
        # the attempt; the question's own foreign-key index serves the rest.

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.position}"

    def public_choices(self) -> list[dict]:
        return [{"id": c["id"], "text": c["text"]} for c in self.choices]

    def correct_ids(self) -> set[int]:
        return {c["id"] for c in self.choices if c["correct"]}

    def grade(self) -> bool:
        return set(self.selected) == self.correct_ids()
