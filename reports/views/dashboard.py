"""The organisers' dashboard and a unit's page. Unit managers get the same pages, limited to their
subtree (reports.access). Every figure comes from reports.stats."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.roles import with_default_unit
from reports import stats
from reports.access import get_unit_for_user, reports_required, reports_root_for_user
from reports.charts import bar_chart
from reports.forms import SORT_KEYS, DashboardForm, ReportFilterForm
from reports.people import non_participants, unfinished_training

# A unit page lists at most this many people per list; the download has them all.
LIST_LIMIT = 200


def _sort_links(form: DashboardForm) -> dict[str, dict[str, str]]:
    base = form.query_without("sort")
    current = form.current_sort()
    links = {}
    for key in SORT_KEYS:
        target = f"-{key}" if current == key else key
        state = "ascending" if current == key else "descending" if current == f"-{key}" else "none"
        links[key] = {"href": f"?{base}&sort={target}" if base else f"?sort={target}", "aria": state}
    return links


def trend_charts(data: stats.Dashboard) -> dict[str, str]:
    rows = data.rounds
    return {
        "participation": bar_chart(
            chart_id="chart-participation", title=_("Participation per round, per cent of headcount"),
            rows=[(f.label, f.participation_rate) for f in rows],
        ),
        "score": bar_chart(
            chart_id="chart-score", title=_("Mean score per round (%)"),
            rows=[(f.label, f.mean_score) for f in rows],
        ),
    }


@require_GET
@reports_required
def dashboard(request: HttpRequest) -> HttpResponse:
    root = reports_root_for_user(request.user)
    form = DashboardForm(with_default_unit(request.GET, request.user), root=root)
    data = stats.dashboard(form.filters(), with_answers=False)
    context = {
        "form": form, "data": data, "filters": data.filters, "rows": form.sort_rows(data.table.rows),
        "sort_links": _sort_links(form), "charts": trend_charts(data), "query": form.query_without("sort"),
    }
    return render(request, "reports/dashboard.html", context)


@require_GET
@reports_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    form = ReportFilterForm(with_default_unit(request.GET, request.user), root=reports_root_for_user(request.user))
    filters = form.filters()
    filters = stats.Filters(unit=unit, date_from=filters.date_from, date_to=filters.date_to, module=filters.module,
                            contest=filters.contest, audience=filters.audience)
    table = stats.unit_table(filters)
    absent = non_participants(filters, unit)
    unfinished = unfinished_training(filters, unit)
    context = {
        "form": form, "unit": unit, "filters": filters, "figures": table.total,
        "absent": absent[:LIST_LIMIT], "absent_count": absent.count(),
        "unfinished": unfinished[:LIST_LIMIT], "unfinished_count": len(unfinished),
        "missed": stats.most_missed_questions(filters), "counted_at": stats.tallies_counted_at(),
        "query": form.query_without("unit"), "limit": LIST_LIMIT,
    }
    return render(request, "reports/unit_detail.html", context)


@require_GET
@reports_required
def weak_topics(request: HttpRequest) -> HttpResponse:
    """The unit × topic table and the most missed questions: the part of the dashboard that reads
    the answer tallies, loaded separately by the dashboard page (htmx), and without JavaScript a
    page of its own behind a link."""
    form = ReportFilterForm(with_default_unit(request.GET, request.user), root=reports_root_for_user(request.user))
    filters = form.filters()
    weak, missed = stats.answers_figures(filters, stats.unit_rows_only(filters))
    context = {"form": form, "filters": filters, "weak": weak, "missed": missed,
               "counted_at": stats.tallies_counted_at(), "query": form.query_without()}
    template = "reports/_weak_topics.html" if request.htmx else "reports/weak_topics.html"
    return render(request, template, context)
