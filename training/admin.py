"""The Django admin of training, for superusers: a module with its lessons inline, each lesson
with a link to its preview as learners will see it (drafts included). Organisers author on the
platform's own pages (training/views/authoring.py)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_log
from contests.errors import PoolOverlap
from contests.fairness import quiz_publish_check
from quizzes.admin import audit_formset
from training import services
from training.models import Assignment, Certificate, Lesson, Module, ModuleStatus


class LessonInline(admin.StackedInline):
    model = Lesson
    extra = 0
    fields = ["order", "title", "slug", "body", "sources", "video_url", "attachment", "preview_link"]
    readonly_fields = ["preview_link"]
    prepopulated_fields = {"slug": ["title"]}
    # A video link typed without a scheme is taken as https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("Preview"))
    def preview_link(self, lesson: Lesson) -> str:
        if not lesson.pk:
            return gettext("Save the lesson first to preview it.")
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>',
                           reverse("training:lesson_preview", args=[lesson.pk]), gettext("Preview as a learner"))


class ModuleAdminForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown

    def clean(self) -> dict:
        data = super().clean()
        quiz = data.get("quiz")
        # Publishing the module opens its quiz to learners: refused if its review would show the
        # right answers of a running contest's questions (contests/fairness.py).
        if data.get("status") == ModuleStatus.PUBLISHED and quiz is not None:
            try:
                quiz_publish_check(quiz)
            except PoolOverlap as exc:
                self.add_error("status", exc.message)
        return data


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    form = ModuleAdminForm
    list_display = ["title", "status", "audience", "order", "estimated_minutes", "quiz"]
    list_filter = ["status", "audience"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LessonInline]

    def save_model(self, request, obj: Module, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_log(actor=request.user, action="module.update" if change else "module.create", obj=obj,
                  summary=obj.title, data={"changed": form.changed_data, "status": obj.status})

    def save_formset(self, request, form, formset, change: bool) -> None:
        # Lessons edited, added or removed inline are organiser changes too (issue 6).
        audit_formset(request, formset, lambda: super(ModuleAdmin, self).save_formset(request, form, formset, change))

    def delete_model(self, request, obj: Module) -> None:
        audit_log(actor=request.user, action="module.delete", obj=obj, summary=obj.title, data={"via": "admin"})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for module in queryset:
            audit_log(actor=request.user, action="module.delete", obj=module, summary=module.title,
                      data={"via": "admin"})
        super().delete_queryset(request, queryset)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["module", "unit", "due_date", "assigned_by"]
    list_filter = ["module"]
    autocomplete_fields: list[str] = []
    raw_id_fields = ["unit"]

    def has_add_permission(self, request) -> bool:
        # Assignments are made on the organisers' page, which keeps the audit trail.
        return False

    # Deleting here is allowed (organisers have delete_assignment): recorded like the page's delete.
    def delete_model(self, request, obj: Assignment) -> None:
        audit_log(actor=request.user, action="assignment.delete", obj=obj, summary=str(obj)[:200],
                  data={"via": "admin", "due_date": obj.due_date.isoformat()})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for assignment in queryset.select_related("module", "unit"):
            audit_log(actor=request.user, action="assignment.delete", obj=assignment, summary=str(assignment)[:200],
                      data={"via": "admin", "due_date": assignment.due_date.isoformat()})
        super().delete_queryset(request, queryset)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "holder_name", "module_title", "issued_at", "revoked_at"]
    search_fields = ["code", "holder_name"]
    readonly_fields = ["completion", "code", "issued_at", "holder_name", "unit_name", "module_title",
                       "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Revoke the selected certificates"))
    def revoke(self, request, queryset) -> None:
        count = 0
        for certificate in queryset.filter(revoked_at__isnull=True):
            services.certificate_revoke(certificate=certificate, reason=gettext("Revoked by an organiser"),
                                        actor=request.user)
            count += 1
        self.message_user(request, gettext("%(count)d certificate(s) revoked.") % {"count": count}, messages.SUCCESS)
