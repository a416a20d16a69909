"""Output serializers of the training API (its only input is a path: no input serializers are
needed beyond the path converters). Markdown goes out as sanitised HTML, like on the pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from quizzes.rendering import render_markdown


class ModuleOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    audience = serializers.CharField()
    estimated_minutes = serializers.IntegerField()
    quiz_id = serializers.IntegerField(allow_null=True)
    lesson_total = serializers.IntegerField()
    lessons_done = serializers.IntegerField()
    percent = serializers.IntegerField()
    due_date = serializers.DateField(allow_null=True, help_text=_("Earliest due date if assigned to me."))
    completed_at = serializers.DateTimeField(allow_null=True)


class LessonSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="lesson.pk")
    slug = serializers.SlugField(source="lesson.slug")
    title = serializers.CharField(source="lesson.title")
    order = serializers.IntegerField(source="lesson.order")
    done = serializers.BooleanField()
    unlocked = serializers.BooleanField(help_text=_("Every earlier lesson is read: this one may be marked."))


class ProgressOutputSerializer(serializers.Serializer):
    module = serializers.SlugField(source="module.slug")
    lessons_total = serializers.IntegerField(source="total")
    lessons_done = serializers.IntegerField(source="done")
    percent = serializers.IntegerField()
    all_read = serializers.BooleanField()
    quiz_passed = serializers.BooleanField()
    completed_at = serializers.DateTimeField(source="completion.completed_at", allow_null=True, default=None)
    certificate_code = serializers.CharField(source="certificate.code", allow_null=True, default=None)
    next_lesson = serializers.IntegerField(source="next_lesson.pk", allow_null=True, default=None)


class ModuleDetailOutputSerializer(serializers.Serializer):
    module = ModuleOutputSerializer()
    progress = ProgressOutputSerializer()
    lessons = LessonSummarySerializer(many=True)


class LessonOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    module = serializers.SlugField(source="module.slug")
    slug = serializers.SlugField()
    title = serializers.CharField()
    order = serializers.IntegerField()
    body_html = serializers.SerializerMethodField()
    sources_html = serializers.SerializerMethodField()
    video_url = serializers.CharField()
    has_attachment = serializers.SerializerMethodField()
    done = serializers.BooleanField()
    unlocked = serializers.BooleanField()

    def get_body_html(self, lesson) -> str:
        return str(render_markdown(lesson.body, profile="lesson"))

    def get_sources_html(self, lesson) -> str:
        return str(render_markdown(lesson.sources, profile="lesson"))

    def get_has_attachment(self, lesson) -> bool:
        return bool(lesson.attachment)


class AssignmentOutputSerializer(serializers.Serializer):
    module = serializers.SlugField(source="module.slug")
    module_title = serializers.CharField(source="module.title")
    unit = serializers.CharField(source="unit.name")
    due_date = serializers.DateField()
    overdue = serializers.BooleanField()
    completed = serializers.BooleanField()


class CertificateOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    module_title = serializers.CharField()
    holder_name = serializers.CharField()
    unit_name = serializers.CharField()
    issued_at = serializers.DateTimeField()
    revoked = serializers.BooleanField(source="is_revoked")
    verification_url = serializers.CharField(source="get_absolute_verification_url")


class VerificationOutputSerializer(serializers.Serializer):
    """What anyone may learn from a code: nothing beyond name, module and date."""

    code = serializers.CharField()
    valid = serializers.BooleanField(help_text=_("Issued and not revoked."))
    revoked = serializers.BooleanField(source="is_revoked")
    holder_name = serializers.CharField()
    module_title = serializers.CharField()
    issued_on = serializers.DateField()
