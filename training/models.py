"""Training modules for civil servants: modules of ordered lessons, each learner's progress,
assignments of modules to units, and certificates."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxLengthValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from quizzes.models import Audience, Quiz
from training.storage import private_storage


class ModuleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


def ancestor_paths(unit_path: str) -> list[str]:
    """Every prefix of a materialised path: the unit and the units above it ("1/", "1/4/", ...).
    An assignment to any of them applies to the unit's members."""
    parts = [part for part in unit_path.split("/") if part]
    return ["".join(f"{part}/" for part in parts[: n + 1]) for n in range(len(parts))]


class ModuleQuerySet(models.QuerySet):
    def published(self) -> ModuleQuerySet:
        return self.filter(status=ModuleStatus.PUBLISHED)

    def assigned_to(self, unit_path: str) -> ModuleQuerySet:
        return self.filter(assignments__unit__path__in=ancestor_paths(unit_path))

    def for_learner(self, *, audiences: set[str], unit_path: str) -> ModuleQuerySet:
        """Published modules a learner may study: those for their audience, and any module
        assigned to their unit or a unit above it (an assignment is a deliberate decision)."""
        assigned = self.filter(assignments__unit__path__in=ancestor_paths(unit_path)).values("pk")
        # A subquery rather than a join, so that counts annotated later are not multiplied.
        return self.published().filter(models.Q(audience__in=audiences) | models.Q(pk__in=assigned))

    def with_progress(self, user) -> ModuleQuerySet:
        """Annotate lesson_total, lessons_done (by this user) and completed_at (or None)."""
        lessons = Lesson.objects.filter(module=models.OuterRef("pk")).order_by().values("module")
        done = LessonProgress.objects.filter(user=user, lesson__module=models.OuterRef("pk")).order_by()
        return self.annotate(
            lesson_total=Coalesce(models.Subquery(lessons.annotate(n=models.Count("pk")).values("n")), 0),
            lessons_done=Coalesce(
                models.Subquery(done.values("user").annotate(n=models.Count("pk")).values("n")), 0
            ),
            completed_at=models.Subquery(
                ModuleCompletion.objects.filter(user=user, module=models.OuterRef("pk")).values("completed_at")[:1]
            ),
        )


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

    def get_absolute_url(self) -> str:
        return reverse("training:module_detail", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == ModuleStatus.PUBLISHED


# Embedded (data:) images would put megabytes into every page view; lessons link images instead.
_EMBEDDED_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?\s*data:", re.IGNORECASE)
LESSON_BODY_MAX_CHARS = 100_000


def validate_lesson_markdown(value: str) -> None:
    if _EMBEDDED_IMAGE.search(value or ""):
        raise ValidationError(
            _("Images must be linked by an http(s) address, not embedded in the text."), code="embedded_image",
        )


def _check_size(upload) -> None:
    # The one limit of every upload (UPLOAD_MAX_BYTES), as for staff lists and question banks.
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(size)s MB, the largest accepted."),
            code="too_large", params={"size": f"{limit / (1024 * 1024):.0f}"},
        )


def _head(upload, length: int = 16) -> bytes:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(length)
    upload.seek(position)
    return head


def validate_pdf(upload) -> None:
    """Only a real PDF of reasonable size: the extension is checked by its own validator, the
    content here (a renamed .exe or .html is refused)."""
    _check_size(upload)
    if _head(upload, 5) != b"%PDF-":
        raise ValidationError(_("The attachment is not a PDF file."), code="not_pdf")


# The formats every phone browser shows. SVG is left out on purpose: it can carry script.
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp",
               "gif": "image/gif"}


def sniff_image(head: bytes) -> str | None:
    """The image's content type from its first bytes, whatever its name says; None if it is not one."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return None


def validate_image(upload) -> None:
    _check_size(upload)
    kind = sniff_image(_head(upload))
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if kind is None or IMAGE_TYPES.get(extension) != kind:
        raise ValidationError(
            _("The file is not a PNG, JPEG, WebP or GIF image (its content was checked, not only its name)."),
            code="not_image",
        )


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100)
    body = models.TextField(_("body (Markdown)"), validators=[
        MaxLengthValidator(LESSON_BODY_MAX_CHARS), validate_lesson_markdown,
    ])
    sources = models.TextField(_("sources (Markdown)"), blank=True, validators=[
        MaxLengthValidator(LESSON_BODY_MAX_CHARS), validate_lesson_markdown,
    ])
    video_url = models.URLField(_("video link"), blank=True)
    attachment = models.FileField(_("attachment (PDF)"), upload_to="lessons/", blank=True, storage=private_storage,
                                  validators=[
        FileExtensionValidator(["pdf"], message=_("Only PDF files can be attached.")), validate_pdf,
    ])

    class Meta:
        ordering = ["module", "order", "pk"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="lesson_slug_unique_in_module"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:lesson_detail", args=[self.module.slug, self.slug])

    @property
    def video(self) -> VideoLink | None:
        return VideoLink.of(self.video_url) if self.video_url else None


@dataclass(frozen=True)
class VideoLink:
    """A video shown as a link card: no player or script of the video site is loaded in our page
    (3G phones, no third-party code); the person opens the video on its own site."""

    url: str
    provider: str  # "youtube", "facebook" or "other"
    host: str

    @classmethod
    def of(cls, url: str) -> VideoLink:
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.").removeprefix("m.")
        if host in {"youtube.com", "youtu.be", "youtube-nocookie.com"}:
            provider = "youtube"
        elif host in {"facebook.com", "fb.watch", "fb.com"}:
            provider = "facebook"
        else:
            provider = "other"
        return cls(url=url, provider=provider, host=host)

    @property
    def provider_name(self) -> str:
        return {"youtube": "YouTube", "facebook": "Facebook"}.get(self.provider, self.host)


def lesson_image_name(image: LessonImage, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"lesson-images/{image.lesson_id}/{secrets.token_hex(8)}.{extension}"


class LessonImage(models.Model):
    """A picture shown with a lesson, kept outside MEDIA_ROOT like the PDF and served only to
    those who may read the lesson (training:lesson_image)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(_("image"), upload_to=lesson_image_name, storage=private_storage, validators=[
        FileExtensionValidator(list(IMAGE_TYPES), message=_("Only PNG, JPEG, WebP or GIF images can be added.")),
        validate_image,
    ])
    alt_text = models.CharField(_("description of the image"), max_length=300,
                                help_text=_("What the image shows, read aloud to people who cannot see it."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["lesson", "order", "pk"]
        verbose_name = _("lesson image")
        verbose_name_plural = _("lesson images")

    def __str__(self) -> str:
        return self.alt_text

    @property
    def content_type(self) -> str:
        return IMAGE_TYPES.get(self.file.name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


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


class AssignmentQuerySet(models.QuerySet):
    def for_unit_path(self, unit_path: str) -> AssignmentQuerySet:
        """Assignments that apply to a member of this unit: made to it or to a unit above it."""
        return self.filter(unit__path__in=ancestor_paths(unit_path))

    def touching_subtree(self, root: Unit) -> AssignmentQuerySet:
        """Assignments a manager of `root` follows: inside the subtree, or above it (covering it)."""
        return self.filter(
            models.Q(unit__path__startswith=root.path) | models.Q(unit__path__in=ancestor_paths(root.path))
        )


class Assignment(models.Model):
    """A module every member of a unit's subtree must complete by a date."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="assignments")
    due_date = models.DateField(_("due date"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

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

    def get_verification_url(self) -> str:
        return reverse("training:certificate_verify", args=[self.code])

    def get_absolute_verification_url(self) -> str:
        return settings.SITE_URL + self.get_verification_url()
