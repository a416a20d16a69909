"""A quiz: the rules for drawing questions and taking an attempt. Modules and contest rounds
each point at one."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes.models.bank import Audience, Question, Topic


class ScoringRule(models.TextChoices):
    HIGHEST = "highest", _("Highest score")
    FIRST = "first", _("First attempt")
    LAST = "last", _("Last attempt")


class ReviewPolicy(models.TextChoices):
    IMMEDIATELY = "immediately", _("Right after submitting")
    AFTER_CLOSE = "after_close", _("After the quiz or round closes")
    NEVER = "never", _("Never")


class QuizQuerySet(models.QuerySet):
    def open_now(self) -> QuizQuerySet:
        now = timezone.now()
        return self.filter(
            models.Q(opens_at__isnull=True) | models.Q(opens_at__lte=now),
            models.Q(closes_at__isnull=True) | models.Q(closes_at__gt=now),
        )


class Quiz(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    audience = models.CharField(_("audience"), max_length=8, choices=Audience.choices, default=Audience.BOTH)
    time_limit_seconds = models.PositiveIntegerField(_("time limit (seconds)"), default=15 * 60)
    pass_mark_percent = models.PositiveSmallIntegerField(_("pass mark (%)"), default=70)
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), null=True, blank=True, default=1, help_text=_("Empty means unlimited."),
    )
    scoring_rule = models.CharField(_("attempt that counts"), max_length=10, choices=ScoringRule.choices,
                                    default=ScoringRule.HIGHEST)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    review_policy = models.CharField(_("review"), max_length=12, choices=ReviewPolicy.choices,
                                     default=ReviewPolicy.IMMEDIATELY)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    fixed_questions = models.ManyToManyField(Question, through="QuizFixedQuestion", blank=True,
                                             related_name="+", verbose_name=_("fixed questions"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(condition=models.Q(pass_mark_percent__lte=100), name="quiz_pass_mark_max_100"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def time_limit(self) -> timedelta:
        return timedelta(seconds=self.time_limit_seconds)

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return (self.opens_at is None or self.opens_at <= at) and (self.closes_at is None or at < self.closes_at)

    def is_closed(self, at=None) -> bool:
        at = at or timezone.now()
        return self.closes_at is not None and at >= self.closes_at


class QuizDrawRule(models.Model):
    """Draw `count` published questions of a topic at random for each attempt."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="draw_rules")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("topic"))
    count = models.PositiveSmallIntegerField(_("number of questions"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("drawing rule")
        verbose_name_plural = _("drawing rules")
        constraints = [models.UniqueConstraint(fields=["quiz", "topic"], name="draw_rule_once_per_topic")]

    def __str__(self) -> str:
        return f"{self.count} × {self.topic}"


class QuizFixedQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE)
    question = models.ForeignKey(Question, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["quiz", "question"], name="fixed_question_once")]

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.question_id}"


class QuizOverride(models.Model):
    """Extra time or extra attempts for one person (illness, a dropped connection, …)."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    extra_seconds = models.PositiveIntegerField(_("extra time (seconds)"), default=0)
    extra_attempts = models.PositiveSmallIntegerField(_("extra attempts"), default=0)

    class Meta:
        verbose_name = _("personal override")
        verbose_name_plural = _("personal overrides")
        constraints = [models.UniqueConstraint(fields=["quiz", "user"], name="override_once_per_person")]

    def __str__(self) -> str:
        return f"{self.quiz} / {self.user}"
