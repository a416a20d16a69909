"""Organisers' and unit managers' pages: assignments, each member's progress (and its .xlsx),
completion rates per unit, and the organiser's preview of a lesson as learners will see it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import roles
from accounts.exports import Table, table_response
from accounts.models import Unit
from training import reports, services
from training.forms import AssignmentDeleteForm, AssignmentForm, ProgressFilterForm, RatesFilterForm, ScopeForm
from training.models import Assignment, Lesson, Module
from training.progress import ModuleProgress


def _get_organiser_root(request: HttpRequest) -> Unit:
    """The whole tree, for organisers; 404 for everyone else (the page does not exist for them)."""
    if not roles.is_organiser(request.user):
        raise Http404
    root = roles.managed_root(request.user)
    if root is None:
        raise Http404
    return root


def _get_managed_root_for_user(request: HttpRequest) -> Unit:
    root = roles.managed_root(request.user)
    if root is None:
        raise Http404
    return root


def _get_assignment_for_user(request: HttpRequest, pk: int) -> Assignment:
    root = _get_organiser_root(request)
    return get_object_or_404(
        Assignment.objects.select_related("module", "unit"), pk=pk, unit__path__startswith=root.path,
    )


@require_http_methods(["GET", "POST"])
@login_required
def assignment_list(request: HttpRequest) -> HttpResponse:
    root = _get_organiser_root(request)
    # The page opens on the organiser's commune: its units to choose from, its assignments
    # listed; the unit filter widens both (“All my units”).
    scope_form = ScopeForm(roles.with_default_unit(request.GET, request.user), root=root)
    scope = (scope_form.cleaned_data["unit"] or root) if scope_form.is_valid() else roles.default_unit(request.user)
    picked = scope_form.cleaned_data.get("module") if scope_form.is_valid() else None
    form = AssignmentForm(request.POST if request.method == "POST" else None, root=scope,
                          initial={"module": picked} if picked else None)
    if request.method == "POST" and form.is_valid():
        made = services.assignment_assign(
            module=form.cleaned_data["module"], units=list(form.cleaned_data["units"]),
            due_date=form.cleaned_data["due_date"], actor=request.user,
        )
        messages.success(request, _("The module was assigned to %(count)d unit(s).") % {"count": len(made)})
        return redirect(request.get_full_path())
    assignments = (
        Assignment.objects.filter(unit__path__startswith=root.path).touching_subtree(scope)
        .select_related("module", "unit").order_by("module__order", "module_id", "unit__path")
    )
    return render(request, "training/assignment_list.html", {
        "form": form, "scope_form": scope_form, "scope": scope, "assignments": assignments,
        "today": timezone.localdate(),
    }, status=400 if form.is_bound and form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def assignment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get_assignment_for_user(request, pk)
    form = AssignmentDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.assignment_delete(assignment=assignment, actor=request.user)
        messages.success(request, _("The assignment was removed. Progress already made is kept."))
        return redirect("training:assignment_list")
    return render(request, "training/assignment_delete.html", {"assignment": assignment, "form": form},
                  status=400 if form.is_bound else 200)


def _progress_report(request: HttpRequest):
    root = _get_managed_root_for_user(request)
    modules = reports.modules_assigned_within(root)
    # Opens on the person's commune (organisers) or unit; “All my units” widens it.
    form = ProgressFilterForm(roles.with_default_unit(request.GET, request.user), root=root, modules=modules)
    module, unit, pending = None, roles.default_unit(request.user) or root, False
    if form.is_valid():
        module = form.cleaned_data["module"]
        unit = form.cleaned_data["unit"] or root
        pending = form.cleaned_data["pending"]
    if module is None and not form.errors:
        module = modules.first()
    rows = reports.member_progress(module=module, unit=unit, pending_only=pending) if module else []
    return form, module, unit, pending, rows


@require_GET
@login_required
def unit_progress(request: HttpRequest) -> HttpResponse:
    form, module, unit, pending, rows = _progress_report(request)
    context = {
        "form": form, "module": module, "unit": unit, "pending": pending, "rows": rows,
        "done_count": sum(1 for row in rows if row.is_done),
        "query": request.GET.urlencode(),
    }
    template = "training/_progress_table.html" if request.htmx else "training/unit_progress.html"
    return render(request, template, context, status=400 if form.errors else 200)


@require_GET
@login_required
def unit_progress_xlsx(request: HttpRequest) -> HttpResponse:
    form, module, unit, _pending, rows = _progress_report(request)
    if form.errors or module is None:
        return render(request, "training/unit_progress.html", {
            "form": form, "module": module, "unit": unit, "rows": [], "query": "",
        }, status=400)
    table = Table(
        title=_("Progress"),
        headers=[_("Full name"), _("Unit"), _("Position"), _("Lessons read"), _("Lessons in module"),
                 _("Quiz passed"), _("Status"), _("Due date"), _("Completed on")],
        rows=[
            [row.member.full_name, row.member.unit.name if row.member.unit_id else "", row.member.position,
             row.lessons_done, row.lessons_total, row.quiz_passed, row.status, row.due_date, row.completed_at]
            for row in rows
        ],
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    # Members' names and progress are personal data: their export is recorded (issue 6).
    return table_response(
        table, filename=f"tien-do-{module.slug}-{stamp}", actor=request.user, obj=module,
        audit_name="unit_progress", summary=f"{module.title} — {unit.name}", data={"unit": unit.pk},
    )


@require_GET
@login_required
def completion_rates(request: HttpRequest) -> HttpResponse:
    root = _get_organiser_root(request)
    modules = Module.objects.filter(assignments__isnull=False).distinct().order_by("order", "pk")
    form = RatesFilterForm(roles.with_default_unit(request.GET, request.user), root=root, modules=modules)
    module, unit = None, roles.default_unit(request.user) or root
    if form.is_valid():
        module = form.cleaned_data["module"]
        unit = form.cleaned_data["unit"] or root
    if module is None and not form.errors:
        module = modules.first()
    rates = [rate for rate in reports.completion_rates(module=module) if unit.contains(rate.unit)] if module else []
    return render(request, "training/completion_rates.html",
                  {"form": form, "module": module, "rates": rates, "unit": unit},
                  status=400 if form.errors else 200)


def _get_lesson_for_organiser(request: HttpRequest, pk: int) -> Lesson:
    _get_organiser_root(request)
    return get_object_or_404(Lesson.objects.select_related("module__quiz"), pk=pk)


@require_GET
@login_required
def lesson_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The lesson exactly as learners will see it, drafts included, without recording progress."""
    lesson = _get_lesson_for_organiser(request, pk)
    module = lesson.module
    lessons = list(module.lessons.all())
    progress = ModuleProgress(module=module, lessons=lessons)
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    return render(request, "training/lesson_detail.html", {
        "module": module, "lesson": lesson, "progress": progress, "preview": True,
        "previous": lessons[index - 1] if index > 0 else None,
        "following": lessons[index + 1] if index + 1 < len(lessons) else None,
        "is_done": False, "is_unlocked": False, "blocking": None, "quiz_url": None,
    })
