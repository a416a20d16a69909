"""Downloads. Each view checks access, builds its table with one exporter and hands it to the
shared writer; downloads that name people are recorded in the audit log ("export.<name>")."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from accounts.exports import content_disposition, table_response
from accounts.members import Viewer
from accounts.roles import with_default_unit
from contests.models import Round
from reports import exporters, stats
from reports.access import get_unit_for_user, reports_required, reports_root_for_user
from reports.forms import ReportFilterForm
from reports.periodic import periodic_report_docx

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class FormatForm(forms.Form):
    fmt = forms.ChoiceField(choices=[("xlsx", "xlsx"), ("csv", "csv")], required=False)
    which = forms.ChoiceField(choices=[("all", "all"), ("contest", "contest"), ("training", "training")],
                              required=False)

    def value(self, name: str, default: str) -> str:
        return self.cleaned_data.get(name) or default if self.is_valid() else default


def _filters(request: HttpRequest, unit=None) -> stats.Filters:
    root = reports_root_for_user(request.user)
    filters = ReportFilterForm(with_default_unit(request.GET, request.user), root=root).filters()
    if unit is not None:
        filters = stats.Filters(unit=unit, date_from=filters.date_from, date_to=filters.date_to,
                                module=filters.module, contest=filters.contest, audience=filters.audience)
    return filters


def _name(*parts: str) -> str:
    return "-".join(slugify(part, allow_unicode=True) for part in parts if part)


def _get_round_for_user(request: HttpRequest, pk: int) -> Round:
    reports_root_for_user(request.user)
    return get_object_or_404(Round.objects.select_related("contest"), pk=pk)


@require_GET
@reports_required
def unit_pending(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    options = FormatForm(request.GET)
    filters = _filters(request, unit)
    which = options.value("which", "all")
    table = exporters.pending_people_table(filters, unit, which=which)
    label = {"contest": "chua-tham-gia", "training": "chua-hoan-thanh"}.get(which, "chua-hoan-thanh-chua-tham-gia")
    return table_response(table, filename=_name(label, unit.name, f"{filters.date_from:%Y%m%d}",
                                                 f"{filters.date_to:%Y%m%d}"),
                          fmt=options.value("fmt", "xlsx"), actor=request.user, audit_name=f"pending_{which}",
                          summary=f"{unit.name}: {len(table.rows)}", data={"unit": unit.pk})


@require_GET
@reports_required
def unit_statistics(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    data = stats.dashboard(filters)
    options = FormatForm(request.GET)
    return table_response(exporters.unit_statistics_table(data),
                          filename=_name("thong-ke-don-vi", filters.unit.name, f"{filters.date_from:%Y%m%d}",
                                         f"{filters.date_to:%Y%m%d}"),
                          fmt=options.value("fmt", "xlsx"))


@require_GET
@reports_required
def training_completion(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    options = FormatForm(request.GET)
    table = exporters.training_completion_table(filters, filters.unit)
    return table_response(table, filename=_name("hoan-thanh-boi-duong", filters.unit.name),
                          fmt=options.value("fmt", "xlsx"), actor=request.user, audit_name="training_completion",
                          summary=f"{filters.unit.name}: {len(table.rows)}", data={"unit": filters.unit.pk})


@require_GET
@reports_required
def round_results(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _get_round_for_user(request, pk)
    unit = _filters(request).unit  # the person's commune by default; the unit filter widens it
    options = FormatForm(request.GET)
    table = exporters.round_results_table(round_, unit)
    return table_response(table, filename=_name("ket-qua", round_.contest.slug, f"vong-{round_.number}"),
                          fmt=options.value("fmt", "xlsx"), actor=request.user, audit_name="round_results",
                          summary=f"{round_}: {len(table.rows)}", data={"round": round_.pk})


@require_GET
@reports_required
def round_winners(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _get_round_for_user(request, pk)
    unit = _filters(request).unit  # the person's commune by default; the unit filter widens it
    options = FormatForm(request.GET)
    table = exporters.winners_table(round_, unit, viewer=Viewer.of(request.user))
    return table_response(table, filename=_name("giai-thuong", round_.contest.slug, f"vong-{round_.number}"),
                          fmt=options.value("fmt", "xlsx"), actor=request.user, audit_name="round_winners",
                          summary=f"{round_}: {len(table.rows)}", data={"round": round_.pk})


@require_GET
@reports_required
def periodic_report(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    response = HttpResponse(periodic_report_docx(stats.dashboard(filters)), content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition(
        f"bao-cao-cchc-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}.docx")
    response["Cache-Control"] = "private, no-store"
    return response
