"""Training modules for civil servants: modules of ordered lessons, each learner's progress,
assignments of modules to units, and certificates."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from quizzes.models import Audience, Quiz


class ModuleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ModuleQuerySet(models.QuerySet):
    def published(self) -> ModuleQuerySet:
        return self.filter(status=ModuleStatus.PUBLISHED)


class Module(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    cover = models.ImageField(_("cover image"), upload_to="modules/", blank=True)
    audience = models.CharField(_("audience"), max_length=8, choices=Audience.choices, default=Audience.STAFF)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=ModuleStatus.choices,
                              default=ModuleStatus.DRAFT, db_index=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=30)
    quiz = models.OneToOneField(Quiz, on_delete=models.PROTECT, null=True, blank=True, related_name="module",
                                verbose_name=_("final quiz"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100)
    body = models.TextField(_("body (Markdown)"))
    sources = models.TextField(_("sources (Markdown)"), blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    attachment = models.FileField(_("attachment (PDF)"), upload_to="lessons/", blank=True)

    class Meta:
        ordering = ["module", "order", "pk"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="lesson_slug_unique_in_module"),
        ]

    def __str__(self) -> str:
        return self.title


class LessonProgress(models.Model):
    """A lesson the learner marked as read ("Tôi đã đọc xong")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="lesson_progress_once")]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.lesson_id}"


class ModuleCompletion(models.Model):
    """Every lesson read and the quiz passed; recorded once, at the moment it happened."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_completions")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="completions")
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)

    class Meta:
        verbose_name = _("module completion")
        verbose_name_plural = _("module completions")
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="module_completion_once")]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.module_id}"


class Assignment(models.Model):
    """A module every member of a unit's subtree must complete by a date."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="assignments")
    due_date = models.DateField(_("due date"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [models.UniqueConstraint(fields=["module", "unit"], name="assignment_once_per_unit")]

    def __str__(self) -> str:
        return f"{self.module} → {self.unit}"


def new_certificate_code() -> str:
    # 10 characters from an alphabet without look-alikes (0/O, 1/I/L): easy to read out and type.
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class Certificate(models.Model):
    completion = models.OneToOneField(ModuleCompletion, on_delete=models.PROTECT, related_name="certificate")
    code = models.CharField(_("code"), max_length=16, unique=True, default=new_certificate_code)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    # Frozen at issue, so a later change of name or unit does not rewrite a certificate.
    holder_name = models.CharField(_("holder"), max_length=150)
    unit_name = models.CharField(_("unit"), max_length=200)
    module_title = models.CharField(_("module"), max_length=200)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.code

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
