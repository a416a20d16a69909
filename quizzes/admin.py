"""Django admin for the quiz engine: a fallback for superusers; organisers work in the bank pages.
Changes made here are audited too. Attempts are read-only: they are evidence."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from accounts.audit import audit_log
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    Choice,
    Question,
    Quiz,
    QuizDrawRule,
    QuizFixedQuestion,
    QuizOverride,
    Topic,
)
from quizzes.services.errors import QuizError
from quizzes.signals import quiz_publishing


def audit_formset(request: HttpRequest, formset, save) -> None:
    """Save an admin inline formset and record each object it creates, changes or deletes
    ("<model>.create|update|delete"). Deletions are recorded before they happen, while the
    object still has its id."""
    for form in formset.deleted_forms:
        if form.instance.pk is not None:
            audit_log(actor=request.user, action=f"{form.instance._meta.model_name}.delete", obj=form.instance,
                      summary=str(form.instance)[:200], data={"via": "admin"})
    save()
    for obj in formset.new_objects:
        audit_log(actor=request.user, action=f"{obj._meta.model_name}.create", obj=obj, summary=str(obj)[:200],
                  data={"via": "admin"})
    for obj, fields in formset.changed_objects:
        audit_log(actor=request.user, action=f"{obj._meta.model_name}.update", obj=obj, summary=str(obj)[:200],
                  data={"via": "admin", "fields": list(fields)})


class AuditedAdmin(admin.ModelAdmin):
    audit_noun = ""

    def changeform_view(self, request: HttpRequest, object_id=None, form_url: str = "",
                        extra_context=None) -> HttpResponse:
        # A rule checked once the inlines are saved (save_related: a quiz's draw rules, a
        # contest's rounds) refuses with a QuizError inside the admin's transaction: the whole
        # save is rolled back, and the form comes back with the reason.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except QuizError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_log(actor=request.user, action=f"{self.audit_noun}.{'update' if change else 'create'}", obj=obj,
                  summary=str(obj)[:200], data={"via": "admin", "fields": form.changed_data})

    def delete_model(self, request: HttpRequest, obj) -> None:
        audit_log(actor=request.user, action=f"{self.audit_noun}.delete", obj=obj, summary=str(obj)[:200],
                  data={"via": "admin"})
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for obj in queryset:
            audit_log(actor=request.user, action=f"{self.audit_noun}.delete", obj=obj, summary=str(obj)[:200],
                      data={"via": "admin"})
        super().delete_queryset(request, queryset)


@admin.register(Topic)
class TopicAdmin(AuditedAdmin):
    audit_noun = "topic"
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    min_num = 2
    fields = ["order", "text", "is_correct"]


@admin.register(Question)
class QuestionAdmin(AuditedAdmin):
    audit_noun = "question"
    list_display = ["__str__", "topic", "type", "difficulty", "audience", "status"]
    list_filter = ["status", "type", "difficulty", "audience", "topic"]
    list_select_related = ["topic"]
    search_fields = ["text", "source"]
    autocomplete_fields = ["topic"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ChoiceInline]


class DrawRuleInline(admin.TabularInline):
    model = QuizDrawRule
    extra = 0
    autocomplete_fields = ["topic"]


class FixedQuestionInline(admin.TabularInline):
    model = QuizFixedQuestion
    extra = 0
    raw_id_fields = ["question"]


class OverrideInline(admin.TabularInline):
    model = QuizOverride
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Quiz)
class QuizAdmin(AuditedAdmin):
    audit_noun = "quiz"
    list_display = ["title", "slug", "audience", "time_limit_seconds", "pass_mark_percent", "opens_at", "closes_at"]
    list_filter = ["audience", "review_policy"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [DrawRuleInline, FixedQuestionInline, OverrideInline]

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # A quiz saved here can be taken at once (quizzes have no draft state): the receivers of
        # quiz_publishing see it with its draw rules and fixed questions, and may refuse it.
        quiz_publishing.send(sender=Quiz, quiz=form.instance)


class AttemptQuestionInline(admin.TabularInline):
    model = AttemptQuestion
    extra = 0
    fields = ["position", "type", "text", "choices", "selected", "answered_at", "is_correct"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["quiz", "user", "number", "status", "started_at", "submitted_at", "score", "max_score", "passed"]
    list_filter = ["status", "passed", "quiz"]
    list_select_related = ["quiz", "user"]
    search_fields = ["quiz__title", "user__full_name"]
    date_hierarchy = "started_at"
    inlines = [AttemptQuestionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
