"""The audit log, read-only: organisers filter and read it. There is no edit or delete view, and
AuditEntry itself refuses updates and deletes."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import AuditEntry
from accounts.roles import organiser_required
from reports.forms import AuditFilterForm

ENTRIES_PER_PAGE = 50


@require_GET
@organiser_required
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = form.filter(AuditEntry.objects.select_related("actor").order_by("-created_at", "-pk"))
    page_number = form.valid_data().get("page") or 1
    paginator = Paginator(entries, ENTRIES_PER_PAGE)
    page = paginator.get_page(page_number)
    context = {"form": form, "page": page, "query": form.query_without("page")}
    template = "reports/_audit_rows.html" if request.htmx else "reports/audit_list.html"
    return render(request, template, context)
