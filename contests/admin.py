"""Django admin for contests: a first version of the organiser's contest and round editor.
A round points at a quiz of its own (create it in Quizzes, with its draw rules, time limit,
attempts and scoring rule; any slug). Changes are audited; standings are read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_log
from contests.fairness import contest_publish_check
from contests.models import Contest, Prize, Round, Standing
from quizzes.admin import AuditedAdmin


class RoundInline(admin.StackedInline):
    model = Round
    extra = 1
    fields = ["number", "title", "opens_at", "closes_at", "quiz", "staff_quiz"]
    raw_id_fields = ["quiz", "staff_quiz"]
    readonly_fields: list[str] = []


@admin.register(Contest)
class ContestAdmin(AuditedAdmin):
    audit_noun = "contest"
    list_display = ["title", "slug", "audience", "is_published", "created_at"]
    list_filter = ["is_published", "audience"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["organising_units"]
    inlines = [RoundInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "description", "rules", "is_published"]}),
        (_("Who may take part"), {"fields": ["audience", "min_age", "exclude_organisers_from_prizes",
                                          "organising_units", "assisted_attempts_win_prizes"]}),
        (_("Prediction question"), {"fields": ["prediction_kind"]}),
        (_("Prizes for each round"), {"fields": ["individual_prizes", "split_prizes", "staff_prizes", "resident_prizes",
                               "unit_prizes", "unit_min_participation_percent"]}),
        (_("Suspicion checks before prizes"), {"fields": ["suspicious_seconds_per_question",
                                                        "suspicious_accounts_per_device"]}),
    ]

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # With its rounds saved: a published contest whose pool another quiz reviews is refused
        # (ContestPoolOverlap, caught by AuditedAdmin.changeform_view, the save rolled back).
        if form.instance.is_published:
            contest_publish_check(form.instance)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for round_ in formset.new_objects + [obj for obj, _fields in formset.changed_objects]:
            audit_log(actor=request.user, action="contest.round_save", obj=round_, summary=str(round_)[:200],
                      data={"via": "admin"})


@admin.register(Standing)
class StandingAdmin(admin.ModelAdmin):
    list_display = ["round", "user", "unit", "score", "duration_ms", "prediction", "prediction_error", "final_rank"]
    list_filter = ["round"]
    list_select_related = ["round__contest", "user", "unit"]
    raw_id_fields = ["user", "attempt", "unit"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Prize)
class PrizeAdmin(StandingAdmin):
    list_display = ["round", "kind", "category", "place", "standing", "unit"]
    list_filter = ["round", "kind"]
    list_select_related = ["round__contest", "standing", "unit"]
    raw_id_fields = ["standing", "unit"]
